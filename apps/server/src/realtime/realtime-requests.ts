import {
  type AuthRequest,
  type BroadcastRequest,
  CHANNEL_NAME,
  type JoinRequest,
  type LeaveRequest,
  REALTIME_LIMITS,
  type SubscribeRequest,
  type UnsubscribeRequest,
} from '@basalt/contracts';
import { Errors } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { RealtimeErrors } from './realtime.errors.js';

/**
 * Checks the body of each client message, as class-validator does for HTTP bodies: the exact keys
 * allowed, the types, and a clear `validation_failed` naming the field.
 */
type Rule = (value: unknown) => string | null;

const optional = (rule: Rule): Rule => (v) => (v === undefined ? null : rule(v));
const str = (max: number): Rule => (v) => (typeof v !== 'string' ? 'must be a string' : v.length === 0 ? 'must not be empty' : v.length > max ? `must be at most ${max} characters` : null);
const uuid: Rule = (v) => (isUuid(v) ? null : 'must be a UUID');
const channelName: Rule = (v) => (typeof v === 'string' && CHANNEL_NAME.test(v) ? null : 'must be 1-128 letters, digits, _ . : or -');
const plainObject: Rule = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? null : 'must be an object');

function check<T>(body: unknown, rules: Record<string, Rule>): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw Errors.validation({ body: 'must be an object' });
  const problems: Record<string, string> = {};
  for (const key of Object.keys(body)) if (!(key in rules)) problems[key] = 'is not allowed';
  for (const [key, rule] of Object.entries(rules)) {
    const problem = rule((body as Record<string, unknown>)[key]);
    if (problem) problems[key] = problem;
  }
  if (Object.keys(problems).length) throw Errors.validation(problems);
  return body as T;
}

/** The filter's own limits (4 KB, depth, comparisons) are the filter parser's; this only bounds the string. */
export const parseSubscribe = (b: unknown) =>
  check<SubscribeRequest>(b, { collection: str(63), filter: optional((v) => (typeof v === 'string' ? null : 'must be a string')), id: optional(uuid) });
export const parseUnsubscribe = (b: unknown) => check<UnsubscribeRequest>(b, { subscriptionId: str(64) });
export const parseLeave = (b: unknown) => check<LeaveRequest>(b, { channel: channelName });

export function parseAuth(b: unknown): AuthRequest {
  const req = check<AuthRequest>(b, { token: optional(str(4096)), apiKey: optional(str(200)) });
  if ((req.token === undefined) === (req.apiKey === undefined)) throw Errors.validation({ token: 'send either token or apiKey' });
  return req;
}

export function parseJoin(b: unknown): JoinRequest {
  const req = check<JoinRequest>(b, { channel: channelName, presence: optional(plainObject) });
  if (req.presence !== undefined) assertJsonSize('presence', req.presence, REALTIME_LIMITS.presenceStateBytes);
  return req;
}

export function parseBroadcast(b: unknown): BroadcastRequest {
  const req = check<BroadcastRequest>(b, { channel: channelName, event: str(REALTIME_LIMITS.eventNameLength), payload: () => null });
  assertJsonSize('payload', req.payload ?? null, REALTIME_LIMITS.broadcastPayloadBytes);
  return req;
}

function assertJsonSize(what: string, value: unknown, max: number): void {
  if (Buffer.byteLength(JSON.stringify(value) ?? 'null') > max) throw RealtimeErrors.tooLarge(what, max);
}
