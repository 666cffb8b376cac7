import { appendFileSync, closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SpanRow } from '@sightline/contracts';
import { SPAN_INSERT_COLUMNS, decodeSpanLine, encodeSpan, makeSpanRow, toSpanInsertRow, type EncodedSpan } from '@sightline/storage';
import { SegmentLog } from './segment-log.ts';
import { Spool } from './spool.ts';

const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sightline-spool-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rows = (n: number, tag: string): SpanRow[] =>
  Array.from({ length: n }, (_, i) => makeSpanRow({ ProjectId: 'p', TraceId: `${tag}`.padEnd(32, '0'), SpanId: `${tag}-${i}`, InputContent: `line one\nline "two" of ${tag}` }));
const ids = (r: readonly (SpanRow | EncodedSpan)[]) => r.map((x) => ('spanId' in x ? x.spanId : x.SpanId));

describe('Spool', () => {
  it('returns appended batches in order, merged up to the row cap, and forgets committed ones across restarts', async () => {
    const dir = freshDir();
    const spool = new Spool(dir);
    spool.open();
    await spool.append(rows(3, 'a'));
    await spool.append(rows(3, 'b'));
    await spool.append(rows(3, 'c'));
    const first = (await spool.nextBatch(6))!;
    expect(ids(first.rows)).toEqual([...ids(rows(3, 'a')), ...ids(rows(3, 'b'))]);
    spool.commit(first);
    spool.close();

    const reopened = new Spool(dir);
    reopened.open();
    const second = (await reopened.nextBatch(6))!;
    expect(ids(second.rows)).toEqual(ids(rows(3, 'c')));
    reopened.commit(second);
    expect((await reopened.nextBatch(6))).toBeNull();
    expect(reopened.pendingBytes()).toBe(0);
  });

  it('hands out a second batch while the first is in flight, commits them in order, and redoes both after a crash', async () => {
    const dir = freshDir();
    const spool = new Spool(dir);
    spool.open();
    await spool.append(rows(2, 'a'));
    const first = (await spool.nextBatch(10))!;
    await spool.append(rows(2, 'b'));
    const second = (await spool.nextBatch(10))!;
    expect(ids(second.rows)).toEqual(ids(rows(2, 'b')));
    expect(() => spool.commit(second)).toThrow(/in the order/);
    // Crash with both inserts in flight, and more data arriving.
    await spool.append(rows(1, 'c'));
    spool.close();

    const after = new Spool(dir);
    after.open();
    const redoFirst = (await after.nextBatch(10))!;
    const redoSecond = (await after.nextBatch(10))!;
    expect([redoFirst.range, redoSecond.range]).toEqual([first.range, second.range]);
    expect(ids((await after.nextBatch(10))!.rows)).toEqual(ids(rows(1, 'c')));
    after.commit(redoFirst);
    after.commit(redoSecond);
    expect(after.pendingBytes()).toBeGreaterThan(0); // 'c' handed out, not committed
  });

  it('hands out the uncommitted ranges again, in order, after a rewind (a failed insert)', async () => {
    const spool = new Spool(freshDir());
    spool.open();
    await spool.append(rows(2, 'a'));
    const first = (await spool.nextBatch(10))!;
    await spool.append(rows(2, 'b'));
    const second = (await spool.nextBatch(10))!;
    spool.rewind();
    expect((await spool.nextBatch(10))!.range).toEqual(first.range);
    expect((await spool.nextBatch(10))!.range).toEqual(second.range);
    expect(await spool.nextBatch(10)).toBeNull();
    await spool.commitAsync(first);
    await spool.commitAsync(second);
    expect(spool.pendingBytes()).toBe(0);
    spool.close();
  });

  it('redoes exactly the same range after a crash between insert and commit', async () => {
    const dir = freshDir();
    const spool = new Spool(dir);
    spool.open();
    await spool.append(rows(2, 'a'));
    const inFlight = (await spool.nextBatch(10))!;
    // Crash: the process dies before commit, and more data arrived meanwhile.
    await spool.append(rows(2, 'b'));
    spool.close();

    const after = new Spool(dir);
    after.open();
    const redo = (await after.nextBatch(10))!;
    expect(redo.range).toEqual(inFlight.range);
    expect(Buffer.concat(redo.payloads).equals(Buffer.concat(inFlight.payloads))).toBe(true);
    after.commit(redo);
    expect(ids((await after.nextBatch(10))!.rows)).toEqual(ids(rows(2, 'b')));
  });

  it('cuts a torn tail record on open and keeps every whole record before it', async () => {
    const dir = freshDir();
    const spool = new Spool(dir);
    spool.open();
    await spool.append(rows(2, 'whole'));
    spool.close();
    const segment = join(dir, 'segments', readdirSync(join(dir, 'segments'))[0]!);
    const sizeBefore = statSync(segment).size;
    // A record header promising 1000 bytes followed by only 10: what kill -9 mid-write leaves.
    const header = Buffer.alloc(8);
    header.writeUInt32LE(1000, 0);
    appendFileSync(segment, Buffer.concat([header, Buffer.alloc(10, 1)]));

    const reopened = new Spool(dir);
    reopened.open();
    expect(reopened.truncatedBytesOnOpen).toBe(18);
    expect(statSync(segment).size).toBe(sizeBefore);
    const whole = (await reopened.nextBatch(10))!;
    expect(ids(whole.rows)).toEqual(ids(rows(2, 'whole')));
    reopened.commit(whole);
    // New appends land after the cut, readable as usual.
    await reopened.append(rows(1, 'new'));
    expect(ids((await reopened.nextBatch(10))!.rows)).toEqual(ids(rows(1, 'new')));
  });

  it('detects a record whose bytes were corrupted (checksum) and truncates from there', async () => {
    const dir = freshDir();
    const spool = new Spool(dir);
    spool.open();
    await spool.append(rows(1, 'ok'));
    await spool.append(rows(1, 'flipped'));
    spool.close();
    const segment = join(dir, 'segments', readdirSync(join(dir, 'segments'))[0]!);
    const size = statSync(segment).size;
    const fd = openSync(segment, 'r+');
    writeSync(fd, Buffer.from('X'), 0, 1, size - 3);
    closeSync(fd);
    const reopened = new Spool(dir);
    reopened.open();
    expect(reopened.truncatedBytesOnOpen).toBeGreaterThan(0);
    expect(ids((await reopened.nextBatch(10))!.rows)).toEqual(ids(rows(1, 'ok')));
  });

  it('gives back each span as its insert line and identity, content with newlines included', async () => {
    const spool = new Spool(freshDir());
    spool.open();
    const written = rows(2, 'nl');
    await spool.append(written);
    const batch = (await spool.nextBatch(10))!;
    expect(batch.rows.map((r) => [r.projectId, r.traceId, r.spanId, r.timestamp])).toEqual(written.map((r) => ['p', r.TraceId, r.SpanId, r.Timestamp]));
    expect(decodeSpanLine(batch.rows[1]!.line).InputContent).toBe('line one\nline "two" of nl');
    spool.close();
  });

  it('keeps lines of any bytes (newlines included) and still reads the JSON-line records of earlier layouts', async () => {
    const dir = freshDir();
    const old = new SegmentLog(join(dir, 'segments'));
    old.open();
    const jsonLine = (row: SpanRow) => {
      const object = toSpanInsertRow(row);
      return JSON.stringify(SPAN_INSERT_COLUMNS.map((c) => object[c]));
    };
    const record = (layout: number, spans: SpanRow[], body: Buffer) => {
      const identities = Buffer.from(JSON.stringify(spans.map((r) => [r.ProjectId, r.TraceId, r.SpanId, r.Timestamp])));
      const header = Buffer.alloc(5);
      header[0] = layout;
      header.writeUInt32LE(identities.byteLength, 1);
      return Buffer.concat([header, identities, body]);
    };
    // Layout 0x01: JSON lines, each followed by a newline. Layout 0x02: JSON lines, each after its u32 length.
    const first = rows(2, 'l1');
    const second = rows(1, 'l2');
    const prefixed = (line: string) => {
      const bytes = Buffer.from(line);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.byteLength);
      return Buffer.concat([length, bytes]);
    };
    await old.append([
      record(0x01, first, Buffer.from(first.map((r) => `${jsonLine(r)}\n`).join(''))),
      record(0x02, second, Buffer.concat(second.map((r) => prefixed(jsonLine(r))))),
    ]);
    old.close();

    const spool = new Spool(dir);
    spool.open();
    const binary = Buffer.from([0x0a, 0x00, 0xff, 0x0a, 0x22]);
    await spool.appendEncoded([{ projectId: 'p', traceId: 't2', spanId: 's3', timestamp: '3', line: binary }]);
    const batch = (await spool.nextBatch(10))!;
    expect(batch.rows.map((r) => r.spanId)).toEqual([...ids(first), ...ids(second), 's3']);
    // The old JSON lines come back as the TabSeparated lines ClickHouse now receives.
    expect(batch.rows.slice(0, 3).map((r) => r.line.toString('utf8'))).toEqual([...first, ...second].map((r) => encodeSpan(r).line.toString('utf8')));
    expect(batch.rows[3]!.line.equals(binary)).toBe(true);
    spool.close();
  });

  it('still reads records written as JSON rows by an earlier version', async () => {
    const dir = freshDir();
    const legacy = new SegmentLog(join(dir, 'segments'));
    legacy.open();
    await legacy.append([Buffer.from(JSON.stringify(rows(2, 'old')))]);
    legacy.close();
    const spool = new Spool(dir);
    spool.open();
    await spool.append(rows(1, 'new'));
    const batch = (await spool.nextBatch(10))!;
    expect(ids(batch.rows)).toEqual([...ids(rows(2, 'old')), ...ids(rows(1, 'new'))]);
    expect(decodeSpanLine(batch.rows[0]!.line).SpanId).toBe('old-0');
    spool.close();
  });

  it('rolls segments and deletes the ones wholly committed', async () => {
    const dir = freshDir();
    const spool = new Spool(dir, 1000);
    spool.open();
    for (let i = 0; i < 5; i++) await spool.append(rows(2, `s${i}`));
    expect(readdirSync(join(dir, 'segments')).length).toBeGreaterThan(1);
    let batch;
    while ((batch = await spool.nextBatch(2))) spool.commit(batch);
    expect(spool.pendingBytes()).toBe(0);
    // Released segments are unlinked off the event loop, so they go shortly after the commit.
    await vi.waitFor(() => expect(readdirSync(join(dir, 'segments')).length).toBe(1));
  });
});

describe('SegmentLog', () => {
  it('gives back records it appended from memory until they are released, and from disk past its memory bound', async () => {
    const dir = freshDir();
    const log = new SegmentLog(join(dir, 'segments'), undefined, 10);
    log.open();
    const start = log.end();
    const small = Buffer.from('0123456789'); // fits the 10-byte bound
    const next = await log.append([small, Buffer.from('abcdef')]); // the second does not fit
    const segment = join(dir, 'segments', readdirSync(join(dir, 'segments'))[0]!);
    // Overwrite both records' bytes on disk: what memory still holds shows through, the rest does not.
    const fd = openSync(segment, 'r+');
    writeSync(fd, Buffer.from('XXXXXXXXXX'), 0, 10, 8);
    writeSync(fd, Buffer.from('YYYYYY'), 0, 6, 8 + 10 + 8);
    closeSync(fd);
    const first = log.read(start)!;
    expect(first.payload.toString()).toBe('0123456789');
    expect(log.read(first.next)!.payload.toString()).toBe('YYYYYY');
    expect(log.read(next)).toBeNull();
    log.releaseBefore(first.next);
    expect(log.read(start)!.payload.toString()).toBe('XXXXXXXXXX');
    log.close();
  });
});

describe('Spool lock', () => {
  it('refuses a second open of the same directory while the first is open, and allows it after close', () => {
    const dir = freshDir();
    const first = new Spool(dir);
    first.open();
    // Same process: simulate another live owner by writing the parent's pid into the lock.
    writeFileSync(join(dir, 'LOCK'), String(process.ppid));
    expect(() => new Spool(dir).open()).toThrow(/in use by process/);
    first.close();
    const second = new Spool(dir);
    second.open();
    second.close();
  });

  it('takes over a lock left by a process that is gone (kill -9)', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'LOCK'), '999999');
    const spool = new Spool(dir);
    expect(() => spool.open()).not.toThrow();
    spool.close();
  });
});
