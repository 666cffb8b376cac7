import { createHash } from 'node:crypto';

export interface RecentSpanKeysOptions {
  /** Most keys remembered; the oldest go first. ~100 bytes each. */
  maxKeys?: number;
  /** How far back keys are remembered (and warmed from ClickHouse at open). */
  windowMs?: number;
}

export const DEFAULT_MAX_KEYS = 500_000;
export const DEFAULT_WINDOW_MS = 15 * 60_000;

/** Client clocks run ahead of ours by up to this much without weakening de-duplication. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * Start seconds of forgotten spans kept (~8 bytes each, about two days of seconds). Past it the
 * older half is dropped, and every span that started before the oldest second kept is looked up.
 */
export const MAX_FORGOTTEN_SECONDS = 200_000;

/**
 * A bounded memory of the span identities (ProjectId, TraceId, SpanId) ingested recently, as 96-bit
 * hashes (a false "seen" needs a collision: ~1e-17 per lookup at 500k keys), and of what it has
 * forgotten: the start second of every span it let go.
 *
 * A redelivered span carries the start time of its first delivery. So a span not in memory is new,
 * without asking ClickHouse, unless (see {@link mayBeForgotten}) a forgotten span started in the
 * same second, or it started early enough to be one of the spans ingested before the memory was
 * warmed (whose start times it never saw). Under heavy traffic the key cap is reached within
 * seconds; forgotten keys then started that long ago, and a new span is looked up only when it
 * started as long ago as they did (a long call, a late export), not whenever anything was forgotten.
 */
export class RecentSpanKeys {
  readonly maxKeys: number;
  readonly windowMs: number;
  /** key → the span's start (ms). */
  #keys = new Map<string, number>();
  /**
   * The keys in ingest order, oldest from `#head`, with their ingest times beside them. A queue of
   * its own: a new iterator over the map per eviction steps over every deleted entry V8 keeps until
   * it rehashes (up to ~165 µs per key past 500k keys, measured).
   */
  #order: string[] = [];
  #ingestedAtMs: number[] = [];
  #head = 0;
  #warmedFromMs: number;
  #forgottenSeconds = new Set<number>();
  /** Spans that started before this may have been forgotten among seconds no longer kept. */
  #forgottenFloorMs = 0;

  constructor(opts: RecentSpanKeysOptions = {}, nowMs = Date.now()) {
    this.maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
    this.windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    // Until warmed from ClickHouse, nothing ingested before now is known.
    this.#warmedFromMs = nowMs;
  }

  get size(): number {
    return this.#keys.size;
  }

  /** Start seconds of forgotten spans currently kept. */
  get forgottenSeconds(): number {
    return this.#forgottenSeconds.size;
  }

  /** After loading every key ingested since `sinceMs` from ClickHouse. */
  markWarm(sinceMs: number): void {
    this.#warmedFromMs = Math.min(this.#warmedFromMs, sinceMs);
  }

  /**
   * Spans ingested since the warm-up began that were not loaded (the load stopped at `maxKeys`):
   * the start seconds of those spans, newest first. `complete` is false when the list was cut off,
   * and then every span that started before its oldest second is asked about.
   */
  forgetStartSeconds(seconds: readonly number[], complete: boolean): void {
    let oldest = Infinity;
    for (const second of seconds) {
      if (second < oldest) oldest = second;
      this.#forget(second * 1000);
    }
    if (!complete && oldest !== Infinity) this.#forgottenFloorMs = Math.max(this.#forgottenFloorMs, oldest * 1000);
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /**
   * Whether a span that started at `startMs` and is not in memory may still have been ingested:
   * only then must ClickHouse be asked.
   */
  mayBeForgotten(startMs: number): boolean {
    return (
      // Ingested before the warm-up (at most the skew before its start on our clock): never seen.
      startMs < this.#warmedFromMs + CLOCK_SKEW_MS ||
      startMs < this.#forgottenFloorMs ||
      this.#forgottenSeconds.has(Math.floor(startMs / 1000))
    );
  }

  /** Remembers a span ingested at `ingestedAtMs` (a key already remembered stays where it is). */
  add(key: string, ingestedAtMs: number, startMs: number): void {
    if (this.#keys.has(key)) return;
    this.#keys.set(key, startMs);
    this.#order.push(key);
    this.#ingestedAtMs.push(ingestedAtMs);
    this.#evict(ingestedAtMs);
  }

  #evict(nowMs: number): void {
    const oldestAllowed = nowMs - this.windowMs;
    while (this.#head < this.#order.length && (this.#keys.size > this.maxKeys || (this.#ingestedAtMs[this.#head] as number) < oldestAllowed)) {
      const key = this.#order[this.#head++] as string;
      this.#forget(this.#keys.get(key) as number);
      this.#keys.delete(key);
    }
    if (this.#head > 65_536 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#ingestedAtMs = this.#ingestedAtMs.slice(this.#head);
      this.#head = 0;
    }
  }

  #forget(startMs: number): void {
    if (startMs < this.#forgottenFloorMs) return;
    this.#forgottenSeconds.add(Math.floor(startMs / 1000));
    if (this.#forgottenSeconds.size > MAX_FORGOTTEN_SECONDS) this.#dropOlderHalf();
  }

  /**
   * Drops about the older half of the kept seconds (spans that started before what is kept are
   * looked up from now on). The cut is the median of an even sample: two passes and no sort of the
   * whole set (a sort of 200k seconds takes ~35 ms), and half the bound in new seconds must come
   * before the next trim, not a tenth.
   */
  #dropOlderHalf(): void {
    const set = this.#forgottenSeconds;
    const every = Math.max(1, Math.floor(set.size / 1001));
    const sample: number[] = [];
    let i = 0;
    for (const second of set) if (i++ % every === 0) sample.push(second);
    sample.sort((a, b) => a - b);
    const cut = sample[Math.floor(sample.length / 2)] as number;
    for (const second of set) if (second < cut) set.delete(second);
    this.#forgottenFloorMs = Math.max(this.#forgottenFloorMs, cut * 1000);
  }
}

export function spanKey(projectId: string, traceId: string, spanId: string): string {
  return createHash('sha1').update(projectId).update('\u0000').update(traceId).update('\u0000').update(spanId).digest('base64').slice(0, 16);
}
