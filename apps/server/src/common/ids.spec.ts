import { isUuid, uuidv7 } from './ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit Unix milliseconds at the front of a UUIDv7. */
const timeOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
/** The 12-bit counter in rand_a. */
const counterOf = (id: string) => parseInt(id.slice(15, 18), 16);

// The generator keeps its last millisecond in module state, so each test starts later than the
// one before: T0 is far ahead of the real clock and each test moves on by a minute.
const T0 = Date.now() + 24 * 3600_000;
let testIndex = 0;
let base: number;
beforeEach(() => {
  base = T0 + 60_000 * testIndex++;
});

describe('uuidv7', () => {
  it('writes version 7 and the RFC 9562 variant', () => {
    const ids = Array.from({ length: 200 }, (_, i) => uuidv7(base + i));
    for (const id of ids) {
      expect(id).toMatch(UUID_V7);
      expect(isUuid(id)).toBe(true);
    }
  });

  it.each([0, 1, 999])('puts the given time in the first 48 bits (+%i ms)', (offset) => {
    const at = base + offset;
    expect(timeOf(uuidv7(at))).toBe(at);
  });

  it('reads back a time written as hex', () => {
    const id = uuidv7(base);
    expect(id.slice(0, 8) + id.slice(9, 13)).toBe(base.toString(16).padStart(12, '0'));
  });

  it('stays strictly increasing for 10 000 ids in the same millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7(base));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    // The counter starts below 0x800 and wraps at 0x1000, moving the time on by 1 ms each time:
    // within 10 000 ids that happens exactly twice, whatever the random start.
    expect(timeOf(ids[0]!)).toBe(base);
    expect(timeOf(ids.at(-1)!)).toBe(base + 2);
  });

  it('counts up within a millisecond from a random start below half the counter', () => {
    const first = uuidv7(base);
    const second = uuidv7(base);
    expect(counterOf(first)).toBeLessThan(0x800);
    expect(counterOf(second)).toBe(counterOf(first) + 1);
  });

  it('stays increasing when the clock goes backwards', () => {
    const ahead = uuidv7(base + 5000);
    const behind = uuidv7(base);
    expect(behind > ahead).toBe(true);
    expect(timeOf(behind)).toBe(base + 5000);
  });

  it('sorts ids from later milliseconds after earlier ones', () => {
    const ids = [base, base + 1, base + 2, base + 1000, base + 50_000].map((t) => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('isUuid', () => {
  it.each<[unknown, boolean]>([
    ['0190b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b', true],
    ['0190B3C4-5D6E-7F80-9A1B-2C3D4E5F6A7B', true],
    ['0190b3c45d6e7f809a1b2c3d4e5f6a7b', false],
    ['0190b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7', false],
    ['not-a-uuid', false],
    [42, false],
    [null, false],
  ])('%p -> %p', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});
