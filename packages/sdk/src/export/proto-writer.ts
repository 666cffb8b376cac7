// A protobuf writer over one growable Buffer. Strings go in with Buffer's native UTF-8 writer
// rather than a char-by-char loop (the stock otlp-transformer encoder's cost with 2 KB prompts),
// and nested messages reserve their length prefix and close it in place, so nothing is encoded
// twice and no intermediate object graph is built.

const TWO_32 = 0x1_0000_0000;
// Longest string written before its length is known (see stringBody): 64K chars, 192 KiB of room.
const WRITE_FIRST_MAX_CHARS = 64 * 1024;

type Utf8Write = (s: string, offset: number, length?: number) => number;

export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** The bytes written so far (a view, valid until the next write). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Unsigned varint of a non-negative integer below 2^53. */
  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  uintField(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, 0);
    this.varint(v);
  }

  /** int64 as protobuf encodes it: negatives are 10-byte two's-complement varints. */
  int64(v: number): void {
    if (v >= 0) return this.varint(v);
    const u = -v;
    let lo = (~(u % TWO_32) + 1) >>> 0;
    let hi = (~Math.floor(u / TWO_32) + (lo === 0 ? 1 : 0)) >>> 0;
    this.ensure(10);
    const b = this.buf;
    for (let i = 0; i < 9; i++) {
      b[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[this.pos++] = lo & 0x01;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  fixed32Field(field: number, v: number): void {
    this.tag(field, 5);
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** An OTel `HrTime` ([seconds, nanoseconds]) as fixed64 nanoseconds, exact past 2^53. */
  hrTimeField(field: number, t: readonly [number, number]): void {
    this.tag(field, 1);
    this.ensure(8);
    const s = t[0];
    const a = Math.floor(s / 0x10000);
    const x = a * 1e9; // s * 1e9 = x * 2^16 + y, each part exact in a double
    const y = (s - a * 0x10000) * 1e9 + t[1];
    let lo = (x % 0x10000) * 0x10000 + (y % TWO_32);
    let hi = Math.floor(x / 0x10000) + Math.floor(y / TWO_32);
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    this.buf.writeUInt32LE(lo >>> 0, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** A length-delimited UTF-8 string, skipped when empty (the proto3 default). */
  stringField(field: number, s: string): void {
    if (s.length === 0) return;
    this.tag(field, 2);
    this.stringBody(s);
  }

  /** Length prefix + UTF-8 bytes. */
  stringBody(s: string): void {
    if (s.length < 43) {
      // At most 126 bytes: the prefix is one byte, so write first and fill the prefix in.
      this.ensure(1 + s.length * 3);
      const at = this.pos++;
      const n = (this.buf as unknown as { utf8Write: Utf8Write }).utf8Write(s, this.pos);
      this.buf[at] = n;
      this.pos += n;
      return;
    }
    if (s.length > WRITE_FIRST_MAX_CHARS) {
      // Huge strings: size first, so the buffer grows to the real length and not three times it.
      const n = Buffer.byteLength(s, 'utf8');
      this.varint(n);
      this.ensure(n);
      (this.buf as unknown as { utf8Write: Utf8Write }).utf8Write(s, this.pos, n);
      this.pos += n;
      return;
    }
    // Written first into room for the worst case (3 bytes per UTF-16 unit), with the prefix sized
    // for that case and moved only when the real length needs fewer bytes: no separate
    // Buffer.byteLength pass over multi-KB prompts.
    const reserve = varintSize(s.length * 3);
    this.ensure(reserve + s.length * 3);
    const start = this.pos;
    const n = (this.buf as unknown as { utf8Write: Utf8Write }).utf8Write(s, start + reserve);
    const prefix = varintSize(n);
    if (prefix !== reserve) this.buf.copyWithin(start + prefix, start + reserve, start + reserve + n);
    this.pos = start;
    this.varintInPlace(n);
    this.pos = start + prefix + n;
  }

  /** A varint at the cursor without `ensure` (the caller reserved its bytes). */
  private varintInPlace(v: number): void {
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  /** A hex id (trace or span id) as bytes; a malformed id is skipped rather than half-written. */
  hexField(field: number, hex: string | undefined, bytes: number): void {
    if (!hex || hex.length !== bytes * 2) return;
    this.tag(field, 2);
    this.ensure(1 + bytes);
    this.buf[this.pos++] = bytes;
    const n = this.buf.write(hex, this.pos, bytes, 'hex');
    if (n !== bytes) this.buf.fill(0, this.pos + n, this.pos + bytes);
    this.pos += bytes;
  }

  bytesField(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Opens a nested message: writes its tag and reserves `reserve` bytes for its length. */
  fork(field: number, reserve: number): number {
    this.tag(field, 2);
    this.ensure(reserve);
    const start = this.pos;
    this.pos += reserve;
    return start;
  }

  /** Closes a message opened by {@link fork}, moving its body when the length needs fewer or more bytes. */
  join(start: number, reserve: number): void {
    const len = this.pos - start - reserve;
    const n = varintSize(len);
    if (n !== reserve) {
      if (n > reserve) this.ensure(n - reserve);
      this.buf.copyWithin(start + n, start + reserve, this.pos);
      this.pos += n - reserve;
    }
    // The prefix fits the bytes just reserved or moved for it: write it without `ensure`, which
    // would copy only up to the cursor.
    const b = this.buf;
    let at = start;
    let v = len;
    while (v >= 0x80) {
      b[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[at] = v;
  }
}

export function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}
