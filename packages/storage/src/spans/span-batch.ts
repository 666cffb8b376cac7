import type { SpanRow } from '@sightline/contracts';
import { spanLineText, type EncodedSpan } from './encoded-span.ts';
import { giveBuffer, takeBuffer } from './payload-buffers.ts';

/** Spans encoded together, plus the hand-back of the buffer their lines live in. */
export interface EncodedSpanBatch {
  spans: EncodedSpan[];
  /** Call once nothing reads `spans` any more (after their insert settled). */
  release: () => void;
}

/** An insert payload, plus the hand-back of its buffer once the insert has settled. */
export interface SpanPayload {
  payload: Buffer;
  release: () => void;
}

/** Bytes per span of the last batch: the next batch's buffer is sized from it, so it rarely grows. */
let bytesPerSpan = 5_000;

/**
 * Encodes a batch straight into one reused buffer, each line followed by its newline: the lines
 * are then already the insert payload (`spanPayload` passes them on without a copy), and neither a
 * per-span slab nor a fresh 40 MB join buffer has its pages faulted in.
 */
export function encodeSpanBatch(rows: readonly SpanRow[]): EncodedSpanBatch {
  if (rows.length === 0) return { spans: [], release: () => undefined };
  let buffer = takeBuffer(Math.ceil(rows.length * bytesPerSpan * 1.25));
  const ends = new Uint32Array(rows.length);
  let at = 0;
  try {
    for (let i = 0; i < rows.length; i++) {
      const text = spanLineText(rows[i] as SpanRow);
      // 3 bytes per UTF-16 unit is the most UTF-8 needs; only near the end is the exact size worth counting.
      if (at + text.length * 3 + 1 > buffer.byteLength) {
        const need = at + Buffer.byteLength(text, 'utf8') + 1;
        if (need > buffer.byteLength) {
          const bigger = takeBuffer(Math.max(need, buffer.byteLength * 2));
          buffer.copy(bigger, 0, 0, at);
          giveBuffer(buffer);
          buffer = bigger;
        }
      }
      at += buffer.write(text, at, 'utf8');
      buffer[at++] = 0x0a;
      ends[i] = at;
    }
  } catch (error) {
    giveBuffer(buffer);
    throw error;
  }
  bytesPerSpan = Math.max(256, Math.ceil(at / rows.length));
  const spans: EncodedSpan[] = new Array<EncodedSpan>(rows.length);
  let start = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as SpanRow;
    const end = ends[i] as number;
    spans[i] = { projectId: r.ProjectId, traceId: r.TraceId, spanId: r.SpanId, timestamp: r.Timestamp, line: buffer.subarray(start, end - 1) };
    start = end;
  }
  const owned = buffer;
  let released = false;
  return {
    spans,
    release: () => {
      if (released) return;
      released = true;
      giveBuffer(owned);
    },
  };
}

/**
 * The TabSeparated payload of these spans (each line followed by a newline). Lines that sit
 * back to back in one buffer with their newlines between them (a whole `encodeSpanBatch`) are
 * passed on as one view; otherwise they are copied into a reused buffer.
 */
export function spanPayload(spans: readonly EncodedSpan[]): SpanPayload {
  const contiguous = contiguousView(spans);
  if (contiguous !== undefined) return { payload: contiguous, release: () => undefined };
  let size = 0;
  for (const s of spans) size += s.line.byteLength + 1;
  const buffer = takeBuffer(size);
  let at = 0;
  for (const s of spans) {
    at += s.line.copy(buffer, at);
    buffer[at++] = 0x0a;
  }
  let released = false;
  return {
    payload: buffer.subarray(0, size),
    release: () => {
      if (released) return;
      released = true;
      giveBuffer(buffer);
    },
  };
}

function contiguousView(spans: readonly EncodedSpan[]): Buffer | undefined {
  const first = spans[0]?.line;
  if (first === undefined) return undefined;
  const backing = first.buffer;
  const bytes = new Uint8Array(backing);
  let end = first.byteOffset;
  for (const { line } of spans) {
    if (line.buffer !== backing || line.byteOffset !== end) return undefined;
    end += line.byteLength;
    // The payload would be exactly these bytes: the line, then its newline.
    if (end >= bytes.byteLength || bytes[end] !== 0x0a) return undefined;
    end += 1;
  }
  return Buffer.from(backing, first.byteOffset, end - first.byteOffset);
}
