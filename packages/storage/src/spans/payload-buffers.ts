/**
 * Reusable backing stores for insert payloads. A 10k-span batch is ~45 MB; a fresh
 * `Buffer.allocUnsafe` of that size is fresh mmap'd memory, and the kernel faults in and zeroes
 * every page on first write: that cost as much CPU as the copy itself (~5 µs per span, measured
 * on the storage bench). A buffer whose insert has settled is handed back and written again.
 *
 * Contract: a buffer goes back only after the insert that read it has settled (`Driver.insertLines`
 * does not keep the payload past that); nothing else may hold a view into it by then.
 */

/** Buffers kept for reuse: two inserts in flight plus one being encoded. */
const MAX_FREE = 3;
/** Larger payloads are rare (bigger than any batch ingest forms): let the GC have them. */
const MAX_POOLED_BYTES = 256 * 1024 * 1024;
/** Capacity steps, so slightly different batch sizes reuse the same buffers. */
const STEP_BYTES = 4 * 1024 * 1024;
/** An idle server should not keep ~100 MB resident for the next burst. */
const IDLE_RELEASE_MS = 15_000;

const free: Buffer[] = [];
let idleTimer: NodeJS.Timeout | undefined;

/** A buffer of at least `bytes` (its contents are garbage). Give it back with `giveBuffer`. */
export function takeBuffer(bytes: number): Buffer {
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    const size = free[i]?.byteLength ?? 0;
    if (size >= bytes && (best < 0 || size < (free[best]?.byteLength ?? 0))) best = i;
  }
  if (best >= 0) return free.splice(best, 1)[0] as Buffer;
  return Buffer.allocUnsafe(Math.ceil(Math.max(bytes, 1) / STEP_BYTES) * STEP_BYTES);
}

/** Returns a buffer taken with `takeBuffer` once nothing reads it any more. */
export function giveBuffer(buffer: Buffer): void {
  if (buffer.byteLength > MAX_POOLED_BYTES || free.includes(buffer)) return;
  free.push(buffer);
  if (free.length > MAX_FREE) {
    // Keep the largest: a batch that fits a large buffer never needs a fresh one.
    free.sort((a, b) => b.byteLength - a.byteLength);
    free.length = MAX_FREE;
  }
  idleTimer?.refresh();
  idleTimer ??= setTimeout(() => {
    free.length = 0;
    idleTimer = undefined;
  }, IDLE_RELEASE_MS).unref();
}

/** Buffers currently kept for reuse (for tests). */
export function pooledBufferCount(): number {
  return free.length;
}
