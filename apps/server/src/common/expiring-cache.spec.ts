import { ExpiringCache } from './expiring-cache.js';

let clock = 0;
const cache = (ttlMs = 1000, maxEntries = 3) => new ExpiringCache<string, number>(ttlMs, maxEntries, () => clock);

beforeEach(() => {
  clock = 1_000_000;
});

describe('ExpiringCache', () => {
  it('gives a stored value until its time is up, then forgets it', () => {
    const c = cache();
    c.set('a', 1);
    clock += 999;
    expect(c.get('a')).toBe(1);
    clock += 1;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('restarts the time of a value stored again', () => {
    const c = cache();
    c.set('a', 1);
    clock += 800;
    c.set('a', 2);
    clock += 800;
    expect(c.get('a')).toBe(2);
  });

  it('drops the oldest stored entry past its bound, counting a re-stored one as new', () => {
    const c = cache();
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    c.set('a', 4);
    c.set('d', 5);
    expect(c.size).toBe(3);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.get('d')]).toEqual([4, 3, 5]);
  });

  it('forgets one entry on delete and all of them on clear', () => {
    const c = cache();
    c.set('a', 1);
    c.set('b', 2);
    c.delete('a');
    expect([c.get('a'), c.get('b')]).toEqual([undefined, 2]);
    c.clear();
    expect(c.get('b')).toBeUndefined();
  });

  it('loads what it does not hold, stores what was found, and asks again for what was not', async () => {
    const c = cache();
    const found: Record<string, number> = { a: 1 };
    const loads: string[] = [];
    const load = (key: string) => async () => (loads.push(key), found[key]);
    expect(await c.through('a', load('a'))).toBe(1);
    expect(await c.through('a', load('a'))).toBe(1);
    expect(await c.through('x', load('x'))).toBeUndefined();
    expect(await c.through('x', load('x'))).toBeUndefined();
    expect(loads).toEqual(['a', 'x', 'x']);
  });

  it('answers a load that a delete overtook once, without storing it', async () => {
    const c = cache();
    let finish!: (v: number) => void;
    const loading = c.through('a', () => new Promise<number>((r) => (finish = r)));
    c.delete('other');
    finish(1);
    expect(await loading).toBe(1);
    expect(c.get('a')).toBeUndefined();
    expect(await c.through('a', async () => 2)).toBe(2);
    expect(c.get('a')).toBe(2);
  });
});
