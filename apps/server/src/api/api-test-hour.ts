/** An hour boundary three hours back: inside every default window and every rollup's retention. */
export function recentHourMsForApi(now = Date.now()): number {
  return Math.floor(now / 3_600_000) * 3_600_000 - 3 * 3_600_000;
}
