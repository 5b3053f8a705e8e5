import { REALTIME_LIMITS } from '@basalt/contracts';
import { parseAuth, parseBroadcast, parseJoin, parseSubscribe, parseUnsubscribe } from './realtime-requests.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code: string; details?: Record<string, string> }).code;
  }
  return 'accepted';
};

describe('realtime message bodies', () => {
  it.each<[string, () => unknown, string]>([
    ['a subscribe with collection, filter and id', () => parseSubscribe({ collection: 'posts', filter: 'a = 1', id: '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }), 'accepted'],
    ['a subscribe that is not an object', () => parseSubscribe('posts'), 'validation_failed'],
    ['a subscribe with an array body', () => parseSubscribe([]), 'validation_failed'],
    ['a subscribe whose filter is a number', () => parseSubscribe({ collection: 'posts', filter: 1 }), 'validation_failed'],
    ['a subscribe with an extra key', () => parseSubscribe({ collection: 'posts', expand: 'x' }), 'validation_failed'],
    ['an unsubscribe without id', () => parseUnsubscribe({}), 'validation_failed'],
    ['an auth with a token', () => parseAuth({ token: 't' }), 'accepted'],
    ['an auth with nothing', () => parseAuth({}), 'validation_failed'],
    ['an auth with both', () => parseAuth({ token: 't', apiKey: 'k' }), 'validation_failed'],
    ['a join with a colon and dots', () => parseJoin({ channel: 'doc:42.cursor-x_y' }), 'accepted'],
    ['a join with a slash', () => parseJoin({ channel: 'a/b' }), 'validation_failed'],
    ['a join with presence as an array', () => parseJoin({ channel: 'a', presence: [] }), 'validation_failed'],
    ['a broadcast without event', () => parseBroadcast({ channel: 'a' }), 'validation_failed'],
    ['a broadcast at the size limit', () => parseBroadcast({ channel: 'a', event: 'e', payload: 'x'.repeat(REALTIME_LIMITS.broadcastPayloadBytes - 2) }), 'accepted'],
    ['a broadcast one byte over', () => parseBroadcast({ channel: 'a', event: 'e', payload: 'x'.repeat(REALTIME_LIMITS.broadcastPayloadBytes - 1) }), 'payload_too_large'],
  ])('%s: %s', (_, fn, expected) => {
    expect(code(fn)).toBe(expected);
  });
});
