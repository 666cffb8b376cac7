import { createHash } from 'node:crypto';
import type { Spool, SpoolBatch } from './spool.ts';
import type { SpanSink } from './sink.ts';
import type { DeadLetterStore } from './dead-letter.ts';
import { insertOrDeadLetter } from './insert-rows.ts';
import { recordIdentity } from './spool-record.ts';
import type { IngestMetrics } from '../ops/metrics.ts';
import { errorMessage, type Logger } from '../ops/log.ts';

export interface SpoolWriterOptions {
  /** Rows per drained insert: records are merged up to this size (5k–10k keeps chDB efficient). */
  maxBatchRows?: number;
  /** Retry delay bounds while ClickHouse is unreachable. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The single writer that drains the spool into ClickHouse. One batch at a time, in log order; each
 * batch's range is recorded before its insert (see Spool), and its token hashes its records'
 * lengths and span identities, so a batch redone after a crash is recognised by ClickHouse as the
 * same block.
 */
export class SpoolWriter {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** When the writer last committed a batch, or found nothing to do. */
  lastProgressAt = Date.now();
  /** When the oldest pending batch was appended (approximate writer lag). */
  private pendingSince: number | null = null;

  constructor(
    private readonly spool: Spool,
    private readonly sink: SpanSink,
    private readonly deadLetters: DeadLetterStore,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly opts: SpoolWriterOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.spool.pendingBytes() > 0) this.pendingSince = Date.now();
    this.loop = this.run();
  }

  /** New data was spooled: drain it now rather than at the next poll. */
  notify(): void {
    this.pendingSince ??= Date.now();
    this.wakeUp?.();
  }

  hasBacklog(): boolean {
    return this.spool.pendingBytes() > 0;
  }

  lagSeconds(): number {
    return this.pendingSince === null ? 0 : (Date.now() - this.pendingSince) / 1000;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  /** Drains until the spool is empty; for tests and orderly shutdown. */
  async drain(): Promise<void> {
    while (this.spool.pendingBytes() > 0) await this.drainOne();
  }

  private async run(): Promise<void> {
    let backoff = this.opts.minBackoffMs ?? 100;
    while (this.running) {
      if (this.spool.pendingBytes() === 0) {
        this.pendingSince = null;
        this.lastProgressAt = Date.now();
        await this.sleep(1000);
        continue;
      }
      try {
        await this.drainOne();
        backoff = this.opts.minBackoffMs ?? 100;
      } catch (err) {
        this.logger.log('warn', 'spool.insert_failed', { error: errorMessage(err), retryInMs: backoff });
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 5000);
      }
    }
  }

  private async drainOne(): Promise<void> {
    const batch = await this.spool.nextBatch(this.opts.maxBatchRows ?? 10_000);
    if (!batch) return;
    const outcome = await insertOrDeadLetter(this.sink, this.deadLetters, batch.rows, batchToken(batch));
    await this.spool.commitAsync(batch);
    this.metrics.stored(outcome.stored);
    this.metrics.deduplicated(outcome.duplicates);
    this.metrics.deadLettered(outcome.deadLettered);
    this.lastProgressAt = Date.now();
    this.pendingSince = this.spool.pendingBytes() > 0 ? Date.now() : null;
    if (outcome.deadLettered > 0) {
      this.logger.log('error', 'spool.dead_lettered', { rows: outcome.deadLettered, file: this.deadLetters.file });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}

function batchToken(batch: SpoolBatch): string {
  const h = createHash('sha256');
  for (const p of batch.payloads) h.update(`${p.byteLength}:`).update(recordIdentity(p));
  return `spool-${h.digest('hex')}`;
}
