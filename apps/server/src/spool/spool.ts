import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpanRow } from '@sightline/contracts';
import { encodeSpan, type EncodedSpan } from '@sightline/storage';
import { decodeRecord, encodeRecord, isLegacyRecord } from './spool-record.ts';
import { SegmentLog, type Position } from './segment-log.ts';
import { SpoolLock } from './spool-lock.ts';

/**
 * The on-disk spool: batches of span rows that are acknowledged but not yet in ClickHouse.
 *
 * Beside the segment log sits `checkpoint.json`: the position up to which rows are committed to
 * ClickHouse and, while an insert is in flight, the exact range it covers (the intent). After a crash
 * the writer redoes that same range with the same content-derived token, so ClickHouse drops the
 * repeat instead of storing it twice.
 */

export interface SpoolIntent {
  from: Position;
  to: Position;
}

interface Checkpoint {
  committed: Position;
  intent: SpoolIntent | null;
}

export interface SpoolBatch {
  rows: EncodedSpan[];
  payloads: Buffer[];
  range: SpoolIntent;
}

export class Spool {
  private readonly log: SegmentLog;
  private checkpoint: Checkpoint = { committed: { segment: 1, offset: 0 }, intent: null };
  private readonly checkpointPath: string;
  private readonly lock: SpoolLock;
  truncatedBytesOnOpen = 0;

  constructor(
    readonly dir: string,
    segmentBytes?: number,
  ) {
    this.log = new SegmentLog(join(dir, 'segments'), segmentBytes);
    this.checkpointPath = join(dir, 'checkpoint.json');
    this.lock = new SpoolLock(dir);
  }

  open(): void {
    mkdirSync(this.dir, { recursive: true });
    this.lock.acquire();
    this.truncatedBytesOnOpen = this.log.open().truncatedBytes;
    try {
      this.checkpoint = JSON.parse(readFileSync(this.checkpointPath, 'utf8')) as Checkpoint;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.checkpoint = { committed: firstPosition(this.log), intent: null };
    }
  }

  /** Appends one batch durably (fsync) and returns once it would survive `kill -9`. */
  async append(rows: readonly SpanRow[]): Promise<void> {
    await this.appendEncoded(rows.map(encodeSpan));
  }

  /** As append, for spans already encoded: their lines go to disk as they are. */
  async appendEncoded(spans: readonly EncodedSpan[]): Promise<void> {
    await this.log.append([encodeRecord(spans)]);
  }

  /** Bytes acknowledged but not yet committed to ClickHouse. */
  pendingBytes(): number {
    return this.log.bytesAfter(this.checkpoint.committed);
  }

  /**
   * The unfinished intent from before a restart, if any; else the next batch of at most `maxRows`
   * rows (a single larger record goes alone). Records are whole batches, so under a backlog each
   * drained batch holds thousands of rows.
   */
  async nextBatch(maxRows: number): Promise<SpoolBatch | null> {
    const { intent } = this.checkpoint;
    if (intent) return await this.readRange(intent.from, (pos) => pos.segment > intent.to.segment || (pos.segment === intent.to.segment && pos.offset >= intent.to.offset), Infinity);
    const batch = await this.readRange(this.checkpoint.committed, () => false, maxRows);
    if (!batch) return null;
    this.checkpoint = { ...this.checkpoint, intent: batch.range };
    await this.persistAsync();
    return batch;
  }

  /** The batch is in ClickHouse: move the checkpoint past it and drop consumed segments. */
  commit(batch: SpoolBatch): void {
    this.checkpoint = { committed: batch.range.to, intent: null };
    this.persist();
    this.log.releaseBefore(batch.range.to);
  }

  /** As commit, with the checkpoint's fsyncs off the event loop (the writer's path: they can take tens of ms under load). */
  async commitAsync(batch: SpoolBatch): Promise<void> {
    this.checkpoint = { committed: batch.range.to, intent: null };
    await this.persistAsync();
    this.log.releaseBefore(batch.range.to);
  }

  close(): void {
    this.log.close();
    this.lock.release();
  }

  private async readRange(from: Position, atEnd: (pos: Position) => boolean, maxRows: number): Promise<SpoolBatch | null> {
    const rows: EncodedSpan[] = [];
    const payloads: Buffer[] = [];
    let pos = from;
    for (;;) {
      if (atEnd(pos)) break;
      const rec = this.log.read(pos);
      if (!rec) break;
      const recRows = decodeRecord(rec.payload);
      if (rows.length > 0 && rows.length + recRows.length > maxRows) break;
      for (const r of recRows) rows.push(r);
      payloads.push(rec.payload);
      pos = rec.next;
      if (rows.length >= maxRows) break;
      // A legacy record of JSON rows takes a while to parse: let requests in before the next one.
      // (Current records parse in well under a millisecond; yielding after each of them made a
      // 10k-row batch wait behind every queued request, several times over.)
      if (isLegacyRecord(rec.payload)) await new Promise((r) => setImmediate(r));
    }
    if (payloads.length === 0) return null;
    return { rows, payloads, range: { from, to: pos } };
  }

  private async persistAsync(): Promise<void> {
    const text = JSON.stringify(this.checkpoint);
    const tmp = `${this.checkpointPath}.tmp`;
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.checkpointPath);
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  private persist(): void {
    const tmp = `${this.checkpointPath}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, JSON.stringify(this.checkpoint));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.checkpointPath);
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}

function firstPosition(log: SegmentLog): Position {
  // With no checkpoint, everything in the log is pending: start at the oldest record.
  const first = log.read({ segment: 0, offset: 0 });
  if (!first) return log.end();
  return { segment: first.next.segment, offset: 0 };
}
