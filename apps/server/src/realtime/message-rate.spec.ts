import { MessageRate } from './message-rate.js';

describe('MessageRate', () => {
  it('allows a burst, then refills at the rate per second', () => {
    let t = 0;
    const rate = new MessageRate(10, 3, () => t);
    expect([rate.take(), rate.take(), rate.take(), rate.take()]).toEqual([true, true, true, false]);
    t = 100; // 0.1 s at 10/s: one token back
    expect([rate.take(), rate.take()]).toEqual([true, false]);
    t = 10_000; // never more than the burst
    expect([rate.take(), rate.take(), rate.take(), rate.take()]).toEqual([true, true, true, false]);
  });
});
