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
 * ClickHouse and, for each insert in flight, the exact range it covers (its intent; the writer keeps
 * up to two inserts going, so the engine never waits for the checkpoint's fsyncs between them).
 * After a crash or a failed insert the writer redoes those same ranges, in order, each with the
 * same content-derived token, so ClickHouse drops a repeat instead of storing it twice.
 */

export interface SpoolIntent {
  from: Position;
  to: Position;
}

interface Checkpoint {
  committed: Position;
  /** Ranges handed out and not yet committed, in log order; each starts where the previous ends. */
  intents: SpoolIntent[];
}

/** checkpoint.json as earlier versions wrote it: one intent at most. */
interface StoredCheckpoint {
  committed: Position;
  intent?: SpoolIntent | null;
  intents?: SpoolIntent[];
}

export interface SpoolBatch {
  rows: EncodedSpan[];
  payloads: Buffer[];
  range: SpoolIntent;
}

export class Spool {
  private readonly log: SegmentLog;
  private checkpoint: Checkpoint = { committed: { segment: 1, offset: 0 }, intents: [] };
  /** Intents to hand out again, exactly, before reading anything new (after a restart or a failed insert). */
  private redo: SpoolIntent[] = [];
  /** Where the next new batch starts: past every range handed out. */
  private readFrom: Position = { segment: 1, offset: 0 };
  /** Checkpoint writes run one at a time (they share a temp file); each writes the state current when it starts. */
  private persisting: Promise<void> = Promise.resolve();
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
      const stored = JSON.parse(readFileSync(this.checkpointPath, 'utf8')) as StoredCheckpoint;
      this.checkpoint = { committed: stored.committed, intents: stored.intents ?? (stored.intent ? [stored.intent] : []) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.checkpoint = { committed: firstPosition(this.log), intents: [] };
    }
    this.rewind();
  }

  /**
   * Forgets what was handed out and not committed: the next nextBatch calls return those exact
   * ranges again, in order (the writer calls this after an insert failed).
   */
  rewind(): void {
    this.redo = [...this.checkpoint.intents];
    this.readFrom = this.checkpoint.intents.at(-1)?.to ?? this.checkpoint.committed;
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

  /** Bytes appended and not yet handed out by nextBatch: what a further insert could take now. */
  unissuedBytes(): number {
    return this.redo.length > 0 ? this.pendingBytes() : this.log.bytesAfter(this.readFrom);
  }

  /**
   * An intent not yet redone (from before a restart or a failed insert), if any; else the next
   * batch of at most `maxRows` rows after everything handed out (a single larger record goes alone),
   * recorded as an intent before it is returned. Records are whole batches, so under a backlog each
   * drained batch holds thousands of rows.
   */
  async nextBatch(maxRows: number): Promise<SpoolBatch | null> {
    const intent = this.redo.shift();
    if (intent) return await this.readRange(intent.from, (pos) => pos.segment > intent.to.segment || (pos.segment === intent.to.segment && pos.offset >= intent.to.offset), Infinity);
    const batch = await this.readRange(this.readFrom, () => false, maxRows);
    if (!batch) return null;
    this.readFrom = batch.range.to;
    this.checkpoint = { ...this.checkpoint, intents: [...this.checkpoint.intents, batch.range] };
    await this.persistAsync();
    return batch;
  }

  /** The batch is in ClickHouse: move the checkpoint past it and drop consumed segments. */
  commit(batch: SpoolBatch): void {
    this.markCommitted(batch);
    this.persist();
    this.log.releaseBefore(batch.range.to);
  }

  /** As commit, with the checkpoint's fsyncs off the event loop (the writer's path: they can take tens of ms under load). */
  async commitAsync(batch: SpoolBatch): Promise<void> {
    this.markCommitted(batch);
    await this.persistAsync();
    this.log.releaseBefore(batch.range.to);
  }

  /** Batches commit in the order they were handed out: the checkpoint is one position, not a set. */
  private markCommitted(batch: SpoolBatch): void {
    const [first, ...rest] = this.checkpoint.intents;
    if (first !== undefined && !samePosition(first.from, batch.range.from)) {
      throw new Error('spool batches must be committed in the order they were handed out');
    }
    this.checkpoint = { committed: batch.range.to, intents: first === undefined ? [] : rest };
  }

  /** As written to disk; `intent` (the first) kept for readers of the one-intent layout. */
  private stored(): StoredCheckpoint {
    return { committed: this.checkpoint.committed, intent: this.checkpoint.intents[0] ?? null, intents: this.checkpoint.intents };
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
      // A record of an earlier layout takes a while to re-encode: let requests in before the next one.
      // (Current records parse in well under a millisecond; yielding after each of them made a
      // 10k-row batch wait behind every queued request, several times over.)
      if (isLegacyRecord(rec.payload)) await new Promise((r) => setImmediate(r));
    }
    if (payloads.length === 0) return null;
    return { rows, payloads, range: { from, to: pos } };
  }

  private persistAsync(): Promise<void> {
    const next = this.persisting.then(() => this.writeCheckpoint());
    this.persisting = next.catch(() => undefined);
    return next;
  }

  private async writeCheckpoint(): Promise<void> {
    const text = JSON.stringify(this.stored());
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
      writeFileSync(fd, JSON.stringify(this.stored()));
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

function samePosition(a: Position, b: Position): boolean {
  return a.segment === b.segment && a.offset === b.offset;
}

function firstPosition(log: SegmentLog): Position {
  // With no checkpoint, everything in the log is pending: start at the oldest record.
  const first = log.read({ segment: 0, offset: 0 });
  if (!first) return log.end();
  return { segment: first.next.segment, offset: 0 };
}
