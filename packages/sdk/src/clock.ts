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
 * When the wall clock is set back by more than a millisecond it follows, on a sample taken without
 * a pause between the clock reads (a thread descheduled there would look like a clock set back).
 */
let offsetMs = Number.NEGATIVE_INFINITY;

/** The wall-clock time of `perfMs`, a `performance.now()` reading (default: now). */
export function wallClockMs(perfMs?: number): number {
  const before = performance.now();
  const wall = Date.now();
  const after = performance.now();
  const sample = wall - after;
  if (sample > offsetMs || (sample < offsetMs - 1 && after - before < 0.05)) offsetMs = sample;
  return (perfMs ?? after) + offsetMs;
}
