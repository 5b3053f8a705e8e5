import type { ChangeEvent, RealtimeAck, RealtimeServerEvents } from '@basalt/contracts';
import { REALTIME_PATH } from '@basalt/contracts';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

export type ClientSocket = Socket;
type EventName = keyof RealtimeServerEvents;

/** Every test socket, so a failing test still closes them and Jest can exit. */
const open = new Set<Socket>();

export interface ConnectOptions extends Partial<ManagerOptions & SocketOptions> {
  /** Connect through this base URL instead (e.g. a TcpProxy in front of the server). */
  via?: string;
}

/**
 * A realtime client as an app would open one: `auth` is `{token}`, `{apiKey}` or `{}` (guest).
 * Resolves once connected, rejects with the server's connect_error (its `data` is the API error body).
 */
export async function connect(url: string, auth: { token?: string; apiKey?: string } = {}, opts: ConnectOptions = {}): Promise<RealtimeClient> {
  const { via, ...options } = opts;
  const socket = io(via ?? url, { path: REALTIME_PATH, auth, transports: ['websocket'], forceNew: true, reconnection: false, ...options });
  open.add(socket);
  const client = new RealtimeClient(socket);
  await new Promise<void>((resolve, reject) => {
    // Only the first outcome counts: later reconnection errors belong to the test.
    const connected = () => {
      socket.off('connect_error', refused);
      resolve();
    };
    const refused = (err: Error & { data?: unknown }) => {
      socket.off('connect', connected);
      socket.close();
      open.delete(socket);
      reject(err);
    };
    socket.once('connect', connected);
    socket.once('connect_error', refused);
  });
  return client;
}

/** The connect_error a handshake is refused with (its `data` is the API error body). */
export async function refusal(url: string, auth: Record<string, unknown>): Promise<Error & { data?: { code: string; status: number; message: string } }> {
  try {
    await connect(url, auth as { token?: string });
  } catch (err) {
    return err as Error & { data?: { code: string; status: number; message: string } };
  }
  throw new Error('the handshake was accepted');
}

export function closeAll(): void {
  for (const s of open) s.close();
  open.clear();
}

/**
 * A socket that records every server event in arrival order, so tests can wait for the next one
 * of a kind and assert what arrived before a later, known event (no timed "nothing came" checks).
 */
export class RealtimeClient {
  readonly received: Array<{ event: EventName; payload: any }> = [];
  private readonly waiters: Array<() => void> = [];
  private cursor = new Map<EventName, number>();

  constructor(readonly socket: Socket) {
    socket.onAny((event: EventName, payload: unknown) => {
      this.received.push({ event, payload });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  get id(): string {
    return this.socket.id!;
  }

  /** Emits with an ack and returns it (fails after 10 s without one). */
  async ack<T extends object = object>(event: string, body?: unknown): Promise<RealtimeAck<T>> {
    return (await this.socket.timeout(10_000).emitWithAck(event, body)) as RealtimeAck<T>;
  }

  async subscribe(body: Record<string, unknown>): Promise<string> {
    const ack = await this.ack<{ subscriptionId: string }>('subscribe', body);
    if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack.error)}`);
    return ack.subscriptionId;
  }

  /** Events of one kind received so far. */
  all<E extends EventName>(event: E): Array<RealtimeServerEvents[E]> {
    return this.received.filter((r) => r.event === event).map((r) => r.payload);
  }

  /** The next event of this kind not yet taken by next() (waits for it), optionally the next one matching `match`. */
  async next<E extends EventName>(event: E, match: (p: RealtimeServerEvents[E]) => boolean = () => true, timeoutMs = 15_000): Promise<RealtimeServerEvents[E]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const from = this.cursor.get(event) ?? 0;
      const list = this.all(event);
      for (let i = from; i < list.length; i++) {
        if (match(list[i]!)) {
          this.cursor.set(event, i + 1);
          return list[i]!;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${event} event within ${timeoutMs} ms; received: ${JSON.stringify(this.received).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Changes of one subscription received so far. */
  changes(subscriptionId: string): ChangeEvent[] {
    return this.all('change').filter((c) => c.subscriptionId === subscriptionId);
  }

  /** Waits for the `change` of this subscription about record `id`, skipping others. */
  change(subscriptionId: string, id: string, action?: ChangeEvent['action']): Promise<ChangeEvent> {
    return this.next('change', (c) => c.subscriptionId === subscriptionId && c.record.id === id && (action === undefined || c.action === action));
  }

  close(): void {
    this.socket.close();
    open.delete(this.socket);
  }
}
