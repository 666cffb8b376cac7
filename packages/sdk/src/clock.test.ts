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

  it('does not take a read just under a millisecond boundary for a clock set back', () => {
    // Date.now() rounds down: read 0.9999 ms into a millisecond, with 35 µs between the two
    // performance reads around it, the sample sits 1.03 ms under the offset on a steady clock.
    // Taking that for a set-back clock moved time back by a millisecond (seen 1-2 times in 2M reads).
    const offset = Date.now() - performance.now() + 1e9; // above any offset seen: becomes the estimate
    const perf = [1000, 1000, 1500.99, 1500.99, 1500.995, 1501.03];
    const wall = [offset + 1000, offset + 1500, offset + 1500];
    vi.spyOn(performance, 'now').mockImplementation(() => perf.shift() as number);
    vi.spyOn(Date, 'now').mockImplementation(() => wall.shift() as number);
    expect(wallClockMs()).toBeCloseTo(offset + 1000, 3);
    const justBefore = wallClockMs();
    expect(justBefore).toBeCloseTo(offset + 1500.99, 3);
    expect(wallClockMs()).toBeGreaterThan(justBefore);
    vi.restoreAllMocks();
    // Back to the real clock (set back by the 1e9 ms added above) for whatever runs next.
    let t = wallClockMs();
    for (let i = 0; i < 100 && t > Date.now() + 1; i++) t = wallClockMs();
    expect(Math.abs(t - Date.now())).toBeLessThan(2);
  });
});
