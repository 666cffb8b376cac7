import { closeSync, fdatasync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, fstatSync, unlink, writev } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * An append-only log of checksummed records in numbered segment files.
 *
 * Record layout: `u32 payloadLength | u32 crc32(payload) | payload` (little-endian). A record is
 * valid only if its whole payload is present and its checksum matches, so a write torn by
 * `kill -9` or a power cut is detected on open and cut off; everything before it survives.
 * Appends are group-committed: everything appended while a write + fdatasync is in progress goes
 * out together in the next one, so under load each append waits for at most one sync before its own
 * (not for a queue of them, one per earlier append).
 */

const HEADER = 8;
const writevAsync = promisify(writev);
const fdatasyncAsync = promisify(fdatasync);
export const MAX_RECORD_BYTES = 512 * 1024 * 1024;

export interface Position {
  segment: number;
  offset: number;
}

export interface LogRecord {
  payload: Buffer;
  /** Position just past this record. */
  next: Position;
}

export interface OpenReport {
  /** Bytes cut from torn or corrupt record tails. */
  truncatedBytes: number;
}

export class SegmentLog {
  private fd = -1;
  private segment = 0;
  private size = 0;
  private readonly sizes = new Map<number, number>();
  /** Appends waiting for the next group write, in order. */
  private pending: { payloads: readonly Buffer[]; resolve: (pos: Position) => void; reject: (err: unknown) => void }[] = [];
  /** A group write (writev + fdatasync, both off the event loop) is in progress. */
  private writing = false;
  /**
   * Payloads this process appended and has not yet released, by position: the writer drains them
   * from memory instead of reading back what it just wrote (open + read + a fresh 1 MB buffer per
   * record, ~2–3 µs per span). Bounded by `recentLimitBytes`; past it, or after a restart, records
   * are read from disk.
   */
  private readonly recent = new Map<string, { segment: number; offset: number; payload: Buffer }>();
  private recentBytes = 0;

  constructor(
    readonly dir: string,
    private readonly segmentBytes = 64 * 1024 * 1024,
    private readonly recentLimitBytes = 128 * 1024 * 1024,
  ) {}

  /** Opens the log, validating every record and truncating anything torn. */
  open(): OpenReport {
    mkdirSync(this.dir, { recursive: true });
    let truncatedBytes = 0;
    const segments = this.listSegments();
    for (const seg of segments) {
      const path = this.path(seg);
      const fd = openSync(path, 'r+');
      try {
        const fileSize = fstatSync(fd).size;
        const validEnd = scanValidEnd(fd, fileSize);
        if (validEnd < fileSize) {
          truncatedBytes += fileSize - validEnd;
          ftruncateSync(fd, validEnd);
          fsyncSync(fd);
        }
        this.sizes.set(seg, validEnd);
      } finally {
        closeSync(fd);
      }
    }
    this.segment = segments.at(-1) ?? 1;
    this.fd = openSync(this.path(this.segment), 'a');
    this.size = this.sizes.get(this.segment) ?? 0;
    this.sizes.set(this.segment, this.size);
    return { truncatedBytes };
  }

  /**
   * Appends payloads as records; resolves once they are on disk (fdatasync). Readers see a record
   * only after that, so the writer never reads a half-written one.
   */
  append(payloads: readonly Buffer[]): Promise<Position> {
    // Refused alone, before it could fail the group it would have joined.
    const tooBig = payloads.find((p) => p.byteLength > MAX_RECORD_BYTES);
    if (tooBig) return Promise.reject(new RangeError(`spool record of ${tooBig.byteLength} bytes exceeds ${MAX_RECORD_BYTES}`));
    return new Promise<Position>((resolve, reject) => {
      this.pending.push({ payloads, resolve, reject });
      if (!this.writing) void this.writeGroups();
    });
  }

  private async writeGroups(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        try {
          const pos = await this.appendNow(group.flatMap((g) => g.payloads));
          for (const g of group) g.resolve(pos);
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async appendNow(payloads: readonly Buffer[]): Promise<Position> {
    if (this.fd < 0) throw new Error('segment log is not open');
    if (this.size >= this.segmentBytes) this.roll();
    const parts: Buffer[] = [];
    let bytes = 0;
    for (const p of payloads) {
      if (p.byteLength > MAX_RECORD_BYTES) throw new RangeError(`spool record of ${p.byteLength} bytes exceeds ${MAX_RECORD_BYTES}`);
      const header = Buffer.allocUnsafe(HEADER);
      header.writeUInt32LE(p.byteLength, 0);
      header.writeUInt32LE(crc32(p), 4);
      parts.push(header, p);
      bytes += HEADER + p.byteLength;
    }
    const fd = this.fd;
    let written = 0;
    while (written < bytes) {
      // writev may write partially; continue from where it stopped.
      written += (await writevAsync(fd, sliceParts(parts, written))).bytesWritten;
    }
    await fdatasyncAsync(fd);
    let at = this.size;
    for (const payload of payloads) {
      if (this.recentBytes + payload.byteLength <= this.recentLimitBytes) {
        this.recent.set(recentKey(this.segment, at), { segment: this.segment, offset: at, payload });
        this.recentBytes += payload.byteLength;
      }
      at += HEADER + payload.byteLength;
    }
    this.size += bytes;
    this.sizes.set(this.segment, this.size);
    return { segment: this.segment, offset: this.size };
  }

  /** Reads the record at `pos`, or null at the end of the log. Skips to the next segment at a segment's end. */
  read(pos: Position): LogRecord | null {
    let { segment, offset } = pos;
    for (;;) {
      const size = this.sizes.get(segment);
      if (size === undefined) {
        const later = [...this.sizes.keys()].filter((s) => s > segment).sort((a, b) => a - b)[0];
        if (later === undefined) return null;
        segment = later;
        offset = 0;
        continue;
      }
      if (offset < size) break;
      if (segment >= this.segment) return null;
      segment += 1;
      offset = 0;
    }
    const cached = this.recent.get(recentKey(segment, offset));
    if (cached) return { payload: cached.payload, next: { segment, offset: offset + HEADER + cached.payload.byteLength } };
    const fd = openSync(this.path(segment), 'r');
    try {
      const header = Buffer.allocUnsafe(HEADER);
      readSync(fd, header, 0, HEADER, offset);
      const len = header.readUInt32LE(0);
      const payload = Buffer.allocUnsafe(len);
      readSync(fd, payload, 0, len, offset + HEADER);
      return { payload, next: { segment, offset: offset + HEADER + len } };
    } finally {
      closeSync(fd);
    }
  }

  /** Deletes segments wholly before `pos` and forgets records before it: they are all in ClickHouse. */
  releaseBefore(pos: Position): void {
    for (const [key, r] of this.recent) {
      if (r.segment < pos.segment || (r.segment === pos.segment && r.offset < pos.offset)) {
        this.recent.delete(key);
        this.recentBytes -= r.payload.byteLength;
      }
    }
    for (const seg of [...this.sizes.keys()]) {
      if (seg < pos.segment && seg !== this.segment) {
        const size = this.sizes.get(seg) ?? 0;
        this.sizes.delete(seg);
        // Off the event loop: unlinking tens of MB costs the file system time the requests need.
        // Segment numbers only grow, so none is reused meanwhile; one that cannot be removed now is
        // tried again at the next release, and one a crash left behind is behind the checkpoint.
        unlink(this.path(seg), (err) => {
          if (err !== null && err.code !== 'ENOENT') this.sizes.set(seg, size);
        });
      }
    }
  }

  /** Bytes on disk from `pos` to the end of the log. */
  bytesAfter(pos: Position): number {
    let total = 0;
    for (const [seg, size] of this.sizes) {
      if (seg > pos.segment) total += size;
      else if (seg === pos.segment) total += Math.max(0, size - pos.offset);
    }
    return total;
  }

  end(): Position {
    return { segment: this.segment, offset: this.size };
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.recent.clear();
    this.recentBytes = 0;
  }

  private roll(): void {
    closeSync(this.fd);
    this.segment += 1;
    this.size = 0;
    this.sizes.set(this.segment, 0);
    this.fd = openSync(this.path(this.segment), 'a');
    // The new file's directory entry must survive a crash too.
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }

  private listSegments(): number[] {
    return readdirSync(this.dir)
      .map((f) => /^segment-(\d{12})\.log$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  private path(segment: number): string {
    return join(this.dir, `segment-${String(segment).padStart(12, '0')}.log`);
  }
}

function recentKey(segment: number, offset: number): string {
  return `${segment}:${offset}`;
}

function scanValidEnd(fd: number, fileSize: number): number {
  const header = Buffer.allocUnsafe(HEADER);
  let offset = 0;
  while (offset + HEADER <= fileSize) {
    readSync(fd, header, 0, HEADER, offset);
    const len = header.readUInt32LE(0);
    if (len > MAX_RECORD_BYTES || offset + HEADER + len > fileSize) break;
    const payload = Buffer.allocUnsafe(len);
    readSync(fd, payload, 0, len, offset + HEADER);
    if (crc32(payload) !== header.readUInt32LE(4)) break;
    offset += HEADER + len;
  }
  return offset;
}

function sliceParts(parts: Buffer[], skip: number): Buffer[] {
  if (skip === 0) return parts;
  const out: Buffer[] = [];
  for (const p of parts) {
    if (skip >= p.byteLength) {
      skip -= p.byteLength;
      continue;
    }
    out.push(skip > 0 ? p.subarray(skip) : p);
    skip = 0;
  }
  return out;
}
