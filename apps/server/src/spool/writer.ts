import { createHash } from 'node:crypto';
import type { Spool, SpoolBatch } from './spool.ts';
import type { SpanSink } from './sink.ts';
import type { DeadLetterStore } from './dead-letter.ts';
import { insertOrDeadLetter, type InsertOutcome } from './insert-rows.ts';
import { recordIdentity } from './spool-record.ts';
import type { IngestMetrics } from '../ops/metrics.ts';
import { errorMessage, type Logger } from '../ops/log.ts';

export interface SpoolWriterOptions {
  /** Rows per drained insert: records are merged up to this size (5k–10k keeps chDB efficient). */
  maxBatchRows?: number;
  /** Retry delay bounds while ClickHouse is unreachable. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Inserts running at once. With 2, the next batch is read, its intent made durable and its insert
   * queued while the engine still works on the previous one, so the engine does not sit idle for
   * the checkpoint fsyncs and the JS preparing each insert (measured: 15–300 ms between 10k-row
   * inserts under load, with one). Default 2.
   */
  maxInFlight?: number;
}

interface InFlight {
  batch: SpoolBatch;
  done: Promise<InsertOutcome>;
}

/**
 * The single writer that drains the spool into ClickHouse, in log order, with up to `maxInFlight`
 * inserts going; batches commit in order. Each batch's range is recorded before its insert (see
 * Spool), and its token hashes its records' lengths and span identities, so a batch redone after a
 * crash or a failed insert is recognised by ClickHouse as the same block.
 */
export class SpoolWriter {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** When the writer last committed a batch, or found nothing to do. */
  lastProgressAt = Date.now();
  /** When the oldest pending batch was appended (approximate writer lag). */
  private pendingSince: number | null = null;
  /** Average bytes per row of the batches seen (~5 KB for LLM spans), to judge a backlog's rows from its bytes. */
  private bytesPerRow = 5000;

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
    const inFlight: InFlight[] = [];
    while (this.running) {
      try {
        await this.fill(inFlight);
        const head = inFlight[0];
        if (head === undefined) {
          this.pendingSince = null;
          this.lastProgressAt = Date.now();
          await this.sleep(1000);
          continue;
        }
        const outcome = await head.done;
        inFlight.shift();
        await this.committed(head.batch, outcome);
        backoff = this.opts.minBackoffMs ?? 100;
      } catch (err) {
        // Whatever else was in flight settles first; then every uncommitted range is redone, in order.
        await Promise.allSettled(inFlight.map((f) => f.done));
        inFlight.length = 0;
        this.spool.rewind();
        this.logger.log('warn', 'spool.insert_failed', { error: errorMessage(err), retryInMs: backoff });
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 5000);
      }
    }
    // Stopping: let running inserts finish and commit them, so a restart has less to redo.
    for (const f of inFlight) {
      try {
        await this.committed(f.batch, await f.done);
      } catch (err) {
        this.logger.log('warn', 'spool.insert_failed', { error: errorMessage(err), retryInMs: 0 });
        break;
      }
    }
  }

  /**
   * Starts inserts up to maxInFlight. A further one only once a full batch has gathered: issued
   * earlier, it would take half-full blocks (measured: 5–6k rows instead of 10k under backlog), and
   * small blocks cost the engine far more per row. Below that, the one running insert's wait gathers
   * the next batch, as with a single insert.
   */
  private async fill(inFlight: InFlight[]): Promise<void> {
    const maxRows = this.opts.maxBatchRows ?? 10_000;
    while (inFlight.length < (this.opts.maxInFlight ?? 2)) {
      if (inFlight.length > 0 && this.spool.unissuedBytes() < maxRows * this.bytesPerRow) return;
      const batch = await this.spool.nextBatch(maxRows);
      if (!batch) return;
      this.observe(batch);
      const done = insertOrDeadLetter(this.sink, this.deadLetters, batch.rows, batchToken(batch));
      // Awaited in order by run(); until then a rejection must not count as unhandled.
      done.catch(() => undefined);
      inFlight.push({ batch, done });
    }
  }

  private observe(batch: SpoolBatch): void {
    if (batch.rows.length === 0) return;
    let bytes = 0;
    for (const p of batch.payloads) bytes += p.byteLength;
    this.bytesPerRow = 0.8 * this.bytesPerRow + 0.2 * (bytes / batch.rows.length);
  }

  private async drainOne(): Promise<void> {
    const batch = await this.spool.nextBatch(this.opts.maxBatchRows ?? 10_000);
    if (!batch) return;
    await this.committed(batch, await insertOrDeadLetter(this.sink, this.deadLetters, batch.rows, batchToken(batch)));
  }

  private async committed(batch: SpoolBatch, outcome: InsertOutcome): Promise<void> {
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
