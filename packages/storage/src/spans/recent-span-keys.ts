import { createHash } from 'node:crypto';

export interface RecentSpanKeysOptions {
  /** Most keys remembered; the oldest go first. ~100 bytes each. */
  maxKeys?: number;
  /** How far back keys are remembered (and warmed from ClickHouse at open). */
  windowMs?: number;
}

export const DEFAULT_MAX_KEYS = 500_000;
export const DEFAULT_WINDOW_MS = 15 * 60_000;

/**
 * A bounded memory of the span identities (ProjectId, TraceId, SpanId) ingested recently, as 96-bit
 * hashes (a false "seen" needs a collision: ~1e-17 per lookup at 500k keys).
 *
 * `horizonMs` is the ingest time from which the memory is complete: every span ingested at or after
 * it is remembered. A span that started after the horizon cannot have been ingested before it, so
 * for such a span "not in memory" means "new" without asking ClickHouse.
 */
export class RecentSpanKeys {
  readonly maxKeys: number;
  readonly windowMs: number;
  #keys = new Map<string, number>();
  #warmedFromMs: number;
  #forgottenUpToMs = 0;

  constructor(opts: RecentSpanKeysOptions = {}, nowMs = Date.now()) {
    this.maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
    this.windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    // Until warmed from ClickHouse, nothing before now is known.
    this.#warmedFromMs = nowMs;
  }

  get size(): number {
    return this.#keys.size;
  }

  get horizonMs(): number {
    return Math.max(this.#warmedFromMs, this.#forgottenUpToMs);
  }

  /** After loading every key ingested since `sinceMs` from ClickHouse. */
  markWarm(sinceMs: number): void {
    this.#warmedFromMs = Math.min(this.#warmedFromMs, sinceMs);
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string, ingestedAtMs: number): void {
    this.#keys.delete(key);
    this.#keys.set(key, ingestedAtMs);
    this.#evict(ingestedAtMs);
  }

  #evict(nowMs: number): void {
    const oldestAllowed = nowMs - this.windowMs;
    for (const [key, at] of this.#keys) {
      if (this.#keys.size <= this.maxKeys && at >= oldestAllowed) break;
      this.#keys.delete(key);
      // Everything ingested up to this entry may now be forgotten.
      this.#forgottenUpToMs = Math.max(this.#forgottenUpToMs, at + 1);
    }
  }
}

export function spanKey(projectId: string, traceId: string, spanId: string): string {
  return createHash('sha1').update(projectId).update('\u0000').update(traceId).update('\u0000').update(spanId).digest('base64').slice(0, 16);
}
