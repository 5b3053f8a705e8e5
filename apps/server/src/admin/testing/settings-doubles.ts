// The settings service's collaborators as test doubles, and the values its specs share.
import type { EventName, EventPayload } from '@basalt/contracts';
import type { Logger } from 'pino';
import { AppError } from '../../common/app-error.js';
import type { AppConfig } from '../../config/app-config.js';
import { EventBus, type EventHandler, sharedPayload } from '../../infra/events/event-bus.port.js';
import type { MailService, SmtpSettings } from '../../infra/mail/mail.service.js';
import type { SettingsRepository } from '../settings.repository.js';
import { SettingsService } from '../settings.service.js';

export const SECRET = 'x'.repeat(32);
export const SMTP_URL = 'smtps://mailer:p4ssw0rd-plain@mail.example.com:465';

/** The basalt.settings table: one JSON value per group, JSON round-tripped like the jsonb column. */
export class InMemorySettingsRepository implements Pick<SettingsRepository, 'all' | 'save'> {
  readonly rows = new Map<string, unknown>();
  /** Everything ever handed to save(), as the JSON text the database would receive. */
  readonly written: string[] = [];
  reads = 0;
  failNextRead = false;

  async all(): Promise<Map<string, unknown>> {
    this.reads++;
    if (this.failNextRead) {
      this.failNextRead = false;
      throw new Error('connection lost');
    }
    return new Map([...this.rows].map(([k, v]) => [k, JSON.parse(JSON.stringify(v))]));
  }

  async save(values: Map<string, unknown>): Promise<void> {
    for (const [key, value] of values) {
      const json = JSON.stringify(value);
      this.written.push(json);
      this.rows.set(key, JSON.parse(json));
    }
  }
}

/** Records publishes; delivers only when a test says so, as another node's publish would arrive. */
export class RecordingEventBus extends EventBus {
  readonly published: Array<{ name: EventName; payload: unknown }> = [];
  private readonly handlers = new Map<EventName, Set<(payload: unknown) => void | Promise<void>>>();

  override async publish<N extends EventName>(name: N, payload: EventPayload<N>): Promise<void> {
    this.published.push({ name, payload });
  }

  override subscribe<N extends EventName>(name: N, handler: EventHandler<N>): () => void {
    const set = this.handlers.get(name) ?? new Set();
    this.handlers.set(name, set);
    const h = handler as (payload: unknown) => void | Promise<void>;
    set.add(h);
    return () => set.delete(h);
  }

  /** Hands the payload over as both drivers do: one frozen copy shared by the handlers. */
  async deliver<N extends EventName>(name: N, payload: EventPayload<N>): Promise<void> {
    const shared = sharedPayload(JSON.stringify(payload));
    for (const h of this.handlers.get(name) ?? []) await h(shared);
  }

  override async ping(): Promise<void> {}
  override async close(): Promise<void> {}

  private deliveredCount = 0;

  /** Delivers what this node published since the last call, as both real drivers also do (on a later turn). */
  async deliverPublished(): Promise<void> {
    for (const { name, payload } of this.published.slice(this.deliveredCount)) {
      this.deliveredCount++;
      await this.deliver(name, payload as EventPayload<typeof name>);
    }
  }
}

/** The one MailService method the settings service calls. */
export class RecordingMailService implements Pick<MailService, 'useSmtpSettings'> {
  readonly applied: Array<SmtpSettings | null> = [];
  useSmtpSettings(smtp: SmtpSettings | null): void {
    this.applied.push(smtp);
  }
}

/** The one Logger method the settings service calls. */
export class RecordingLogger {
  readonly errors: Array<{ fields: unknown; message?: string }> = [];
  error(fields: unknown, message?: string): void {
    this.errors.push({ fields, message });
  }
}

export function create(repo: InMemorySettingsRepository, events: RecordingEventBus, secret = SECRET) {
  const mail = new RecordingMailService();
  const log = new RecordingLogger();
  const service = new SettingsService(
    repo as unknown as SettingsRepository,
    events,
    mail as unknown as MailService,
    { secret } as AppConfig,
    log as unknown as Logger,
  );
  return { service, mail, log };
}

export function setup() {
  const repo = new InMemorySettingsRepository();
  const events = new RecordingEventBus();
  const { service, mail, log } = create(repo, events);
  service.onModuleInit();
  return { repo, events, service, mail, log };
}

/** The AppError an update was refused with; fails the test when it was not refused, or not with one. */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the update to be refused');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

export const github = { name: 'github', type: 'github', clientId: 'gh-id', clientSecret: 'gh-secret-plain' };
export const google = { name: 'google', type: 'google', clientId: 'go-id', clientSecret: 'go-secret-plain' };
