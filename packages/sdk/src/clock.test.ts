import { afterEach, describe, expect, it, vi } from 'vitest';
import { wallClockMs } from './clock.ts';

afterEach(() => vi.restoreAllMocks());

describe('wallClockMs', () => {
  it('tells wall-clock time to within a millisecond, never going backwards', () => {
    let last = 0;
    for (let i = 0; i < 20_000; i++) {
      const before = Date.now();
      const t = wallClockMs();
      const after = Date.now();
      expect(t).toBeGreaterThanOrEqual(last);
      // Date.now() rounds down to the millisecond (and the sum carries ~0.2 µs of float rounding).
      expect(t).toBeGreaterThanOrEqual(before - 0.001);
      expect(t).toBeLessThan(after + 1.001);
      last = t;
    }
  });

  it('places an earlier performance.now() reading on the same scale', () => {
    const perf = performance.now();
    expect(wallClockMs() - wallClockMs(perf)).toBeGreaterThanOrEqual(0);
    expect(wallClockMs() - wallClockMs(perf)).toBeLessThan(50);
  });

  it('follows the wall clock when it is set back', () => {
    const real = Date.now.bind(Date);
    wallClockMs();
    vi.spyOn(Date, 'now').mockImplementation(() => real() - 3_600_000);
    let t = wallClockMs();
    // A sample taken during a pause between the clock reads is not taken for a set-back clock;
    // a few reads are enough for one without.
    for (let i = 0; i < 100 && t > Date.now() + 1; i++) t = wallClockMs();
    expect(Math.abs(t - Date.now())).toBeLessThan(2);
  });
});
