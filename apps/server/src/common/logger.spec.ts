import { pino } from 'pino';
import { isoTimeEachMs } from './logger.js';

describe('isoTimeEachMs', () => {
  it("writes the time field as pino's isoTime does", () => {
    const at = Date.UTC(2026, 10, 22, 8, 30, 1, 234);
    const original = Date.now;
    Date.now = () => at;
    try {
      expect(isoTimeEachMs()()).toBe(pino.stdTimeFunctions.isoTime());
    } finally {
      Date.now = original;
    }
  });

  it('formats each millisecond once and follows the clock', () => {
    let ms = Date.UTC(2026, 0, 1);
    const time = isoTimeEachMs(() => ms);
    const first = time();
    expect(time()).toBe(first);
    ms += 1;
    expect(time()).toBe(',"time":"2026-01-01T00:00:00.001Z"');
    expect(first).toBe(',"time":"2026-01-01T00:00:00.000Z"');
  });
});
