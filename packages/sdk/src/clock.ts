/**
 * Times of the SDK's spans and events: wall-clock milliseconds since the epoch, with the
 * sub-millisecond resolution of `performance.now()`, on one scale for every span.
 *
 * OpenTelemetry JS stamps a span from `Date.now()` (whole milliseconds, rounded down), or
 * converts a `performance.now()` time with an offset it takes from `Date.now()` when the span
 * object is created. Either way each span's start is early by up to 1 ms, independently of the
 * others, so two steps a few hundred µs apart can swap places in a waterfall: a tool call drawn
 * after the model call that read its result.
 *
 * Here the offset is shared and refined: `Date.now()` minus the performance clock read just after
 * it is never more than the true offset (Date.now() rounds down, and the later read only lowers
 * it), so the largest sample seen is the best estimate, within a few µs after a few dozen samples.
 * The estimate only grows, so times keep their order and children stay inside their parents.
 *
 * A steady clock's samples lie within 1 ms plus the time between the two performance reads below
 * the true offset (what the rounding of Date.now() loses, and where between them it was read), so
 * only a sample below that band is a wall clock set back, which it then follows. A sample taken
 * with a pause between the reads (a descheduled thread) could be anything and is not followed.
 */
let offsetMs = Number.NEGATIVE_INFINITY;

/** The wall-clock time of `perfMs`, a `performance.now()` reading (default: now). */
export function wallClockMs(perfMs?: number): number {
  const before = performance.now();
  const wall = Date.now();
  const after = performance.now();
  const sample = wall - after;
  const gap = after - before;
  // 0.002: float rounding of the subtractions, at epoch milliseconds.
  if (sample > offsetMs || (sample < offsetMs - 1.002 - gap && gap < 0.05)) offsetMs = sample;
  return (perfMs ?? after) + offsetMs;
}
