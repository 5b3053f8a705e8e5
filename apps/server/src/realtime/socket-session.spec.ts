import { jest } from '@jest/globals';
import type { Principal } from '@basalt/contracts';
import type { Socket } from 'socket.io';
import { SocketSession } from './socket-session.js';

const USER: Principal = { kind: 'user', id: 'u1', roles: [], scopes: [], sessionId: 's' };
const socket = () => ({ data: {} }) as unknown as Socket;

describe('SocketSession', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('runs onExpired at the token exp, and not when the identity is swapped in time', () => {
    const expired: string[] = [];
    const s = new SocketSession('sid', socket(), { principal: USER, expiresAt: null }, { id: 'u1', roles: [] });
    s.setIdentity({ principal: USER, expiresAt: 1_000_000 + 60_000 }, { id: 'u1', roles: [] }, () => expired.push('first'));
    jest.advanceTimersByTime(30_000);
    s.setIdentity({ principal: USER, expiresAt: 1_000_000 + 120_000 }, { id: 'u1', roles: [] }, () => expired.push('second'));
    jest.advanceTimersByTime(60_000);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(30_000);
    expect(expired).toEqual(['second']);
  });

  it('waits past the longest timer setTimeout allows for a far exp', () => {
    const expired: number[] = [];
    const s = new SocketSession('sid', socket(), { principal: USER, expiresAt: null }, { id: 'u1', roles: [] });
    const far = 1_000_000 + 40 * 24 * 3600 * 1000;
    s.setIdentity({ principal: USER, expiresAt: far }, { id: 'u1', roles: [] }, () => expired.push(Date.now()));
    jest.advanceTimersByTime(2 ** 31 - 1);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(far - Date.now());
    expect(expired).toEqual([far]);
  });

  it('holds sends until the hand-over, then numbers them after the handed-over seq, in order', () => {
    const s = new SocketSession('sid', socket(), { principal: USER, expiresAt: null }, { id: 'u1', roles: [] });
    const sent: number[] = [];
    s.hold(2000);
    s.whenReleased(() => sent.push(s.nextSeq()));
    s.whenReleased(() => sent.push(s.nextSeq()));
    expect(sent).toEqual([]);
    s.release(7);
    s.whenReleased(() => sent.push(s.nextSeq()));
    expect(sent).toEqual([8, 9, 10]);
  });

  it('lets go of a hold nobody answers after the wait, keeping its own seq', () => {
    const sock = socket();
    (sock.data as { seq: number }).seq = 4;
    const s = new SocketSession('sid', sock, { principal: USER, expiresAt: null }, { id: 'u1', roles: [] });
    const sent: number[] = [];
    s.hold(2000);
    s.whenReleased(() => sent.push(s.nextSeq()));
    jest.advanceTimersByTime(2000);
    expect(sent).toEqual([5]);
    expect((sock.data as { seq: number }).seq).toBe(5);
  });
});
