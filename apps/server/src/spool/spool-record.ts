import type { SpanRow } from '@sightline/contracts';
import { encodeSpan, spanRowFromJsonLine, type EncodedSpan } from '@sightline/storage';

/**
 * The payload of one spool record: a batch of encoded spans.
 *
 * Layout: `0x03 | u32 identitiesLength | identities JSON | (u32 lineLength | line)*`, where
 * identities is `[[projectId, traceId, spanId, timestamp], ...]` and each line is a span's
 * TabSeparated insert line exactly as `encodeSpan` made it. Lines are what ClickHouse receives:
 * draining the spool never parses or re-encodes a span, and since each carries its length, a line
 * may hold any bytes. Still read, from spools an earlier version left behind: 0x02 records (the same
 * with JSONCompactEachRow lines), 0x01 records (JSON lines, each ended by a newline instead of
 * prefixed by its length) and JSON arrays of SpanRow (first byte `[`); their spans are re-encoded.
 */
const VERSION = 0x03;
const JSON_LINES = 0x02;
const NEWLINE_LINES = 0x01;
const LINE_LAYOUTS: ReadonlySet<number> = new Set([VERSION, JSON_LINES, NEWLINE_LINES]);
const LEGACY_JSON = 0x5b; // '['
const NEWLINE = 0x0a;

export function encodeRecord(spans: readonly EncodedSpan[]): Buffer {
  const ids = Buffer.from(JSON.stringify(spans.map((s) => [s.projectId, s.traceId, s.spanId, s.timestamp])), 'utf8');
  let size = 5 + ids.byteLength;
  for (const s of spans) size += 4 + s.line.byteLength;
  const out = Buffer.allocUnsafe(size);
  out[0] = VERSION;
  out.writeUInt32LE(ids.byteLength, 1);
  let at = 5 + ids.copy(out, 5);
  for (const s of spans) {
    out.writeUInt32LE(s.line.byteLength, at);
    at += 4;
    at += s.line.copy(out, at);
  }
  return out;
}

/**
 * The part of a record that identifies its content for a de-duplication token: the length and the
 * span identities (hashing the whole record, ~50 MB per 10k spans, cost ~10 µs per span on the
 * event loop). Two records alike in both hold the same spans, which insertSpans stores once anyway.
 */
export function recordIdentity(payload: Buffer): Buffer {
  if (!LINE_LAYOUTS.has(payload[0] ?? -1) || payload.byteLength < 5) return payload;
  return payload.subarray(0, Math.min(payload.byteLength, 5 + payload.readUInt32LE(1)));
}

/** A record of an earlier layout, whose spans are parsed and encoded again when read. */
export function isLegacyRecord(payload: Buffer): boolean {
  return payload[0] === LEGACY_JSON || payload[0] === JSON_LINES || payload[0] === NEWLINE_LINES;
}

/** The spans of a record; their lines are views into `payload`, not copies. */
export function decodeRecord(payload: Buffer): EncodedSpan[] {
  if (payload[0] === LEGACY_JSON) return (JSON.parse(payload.toString('utf8')) as SpanRow[]).map(encodeSpan);
  const version = payload[0];
  if (!LINE_LAYOUTS.has(version ?? -1) || payload.byteLength < 5) throw new Error(`unknown spool record format (first byte ${version ?? 'none'})`);
  const idsEnd = 5 + payload.readUInt32LE(1);
  const ids = JSON.parse(payload.toString('utf8', 5, idsEnd)) as [string, string, string, string][];
  const spans: EncodedSpan[] = [];
  let at = idsEnd;
  for (const [projectId, traceId, spanId, timestamp] of ids) {
    let start: number;
    let end: number;
    if (version !== NEWLINE_LINES) {
      if (at + 4 > payload.byteLength) throw new Error('spool record holds fewer lines than spans');
      start = at + 4;
      end = start + payload.readUInt32LE(at);
      if (end > payload.byteLength) throw new Error('spool record line runs past the record');
      at = end;
    } else {
      start = at;
      end = payload.indexOf(NEWLINE, at);
      if (end < 0) throw new Error('spool record holds fewer lines than spans');
      at = end + 1;
    }
    const line = payload.subarray(start, end);
    spans.push(version === VERSION ? { projectId, traceId, spanId, timestamp, line } : encodeSpan(spanRowFromJsonLine(line)));
  }
  return spans;
}
