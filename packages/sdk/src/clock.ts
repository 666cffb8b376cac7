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
 * Here the offset is shared and refined: every `Date.now() - performance.now()` sample is at most
 * the true offset (Date.now() rounds down), so the largest one seen is the best estimate, within
 * a few µs after a few dozen samples. When the wall clock is set back by more than a
 * millisecond (every later sample is then below the estimate by that much), the estimate follows.
 */
let offsetMs = Number.NEGATIVE_INFINITY;

/** The wall-clock time of `perfMs`, a `performance.now()` reading (default: now). */
export function wallClockMs(perfMs: number = performance.now()): number {
  const sample = Date.now() - performance.now();
  if (sample > offsetMs || sample < offsetMs - 1) offsetMs = sample;
  return perfMs + offsetMs;
}
