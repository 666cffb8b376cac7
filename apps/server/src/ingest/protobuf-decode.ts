import protobuf from 'protobufjs/minimal.js';
import type {
  AttributeValue,
  Attributes,
  DecodedEvent,
  DecodedExportRequest,
  DecodedLink,
  DecodedResourceSpans,
  DecodedScopeSpans,
  DecodedSpan,
} from './decoded-span.ts';
import { setAttribute } from './decoded-span.ts';
import { OtlpDecodeError } from './decode-error.ts';

/**
 * OTLP `ExportTraceServiceRequest` protobuf → DecodedExportRequest, decoding straight into the
 * format-neutral shape: no intermediate message objects, ids hex-encoded from the buffer slice,
 * fixed64 times assembled exactly (nanoseconds overflow a JS number). Field numbers follow
 * opentelemetry-proto v1 (trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto).
 * Unknown fields are skipped, as protobuf requires; anything malformed throws OtlpDecodeError.
 */

type Reader = protobuf.Reader;
const MAX_DEPTH = 32;

export function decodeOtlpProtobuf(body: Uint8Array): DecodedExportRequest {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const r = protobuf.Reader.create(buf);
  const resourceSpans: DecodedResourceSpans[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1 && (tag & 7) === 2) resourceSpans.push(readResourceSpans(r, buf, r.uint32()));
      else skip(r, tag);
    }
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw err;
    throw new OtlpDecodeError(`invalid protobuf: ${(err as Error).message}`, { cause: err });
  }
  return { resourceSpans };
}

function skip(r: Reader, tag: number): void {
  const wireType = tag & 7;
  if (tag >>> 3 === 0 || wireType === 4 || wireType === 6 || wireType === 7) {
    throw new OtlpDecodeError(`invalid protobuf: bad tag ${tag} at offset ${r.pos}`);
  }
  r.skipType(wireType);
}

/** Bound of a length-delimited sub-message, checked so a lying length cannot read past its parent. */
function end(r: Reader, len: number): number {
  const e = r.pos + len;
  if (e > r.len) throw new OtlpDecodeError(`invalid protobuf: length ${len} past end at offset ${r.pos}`);
  return e;
}

function readResourceSpans(r: Reader, buf: Buffer, len: number): DecodedResourceSpans {
  const e = end(r, len);
  const out: DecodedResourceSpans = { resourceAttributes: {}, scopeSpans: [] };
  while (r.pos < e) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2: {
        const re = end(r, r.uint32());
        while (r.pos < re) {
          const t = r.uint32();
          if (t === ((1 << 3) | 2)) readKeyValue(r, buf, r.uint32(), out.resourceAttributes, 0);
          else skip(r, t);
        }
        break;
      }
      case (2 << 3) | 2:
        out.scopeSpans.push(readScopeSpans(r, buf, r.uint32()));
        break;
      default:
        skip(r, tag);
    }
  }
  return out;
}

function readScopeSpans(r: Reader, buf: Buffer, len: number): DecodedScopeSpans {
  const e = end(r, len);
  const out: DecodedScopeSpans = { scopeName: '', scopeVersion: '', spans: [] };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) {
      const se = end(r, r.uint32());
      while (r.pos < se) {
        const t = r.uint32();
        if (t === ((1 << 3) | 2)) out.scopeName = r.string();
        else if (t === ((2 << 3) | 2)) out.scopeVersion = r.string();
        else skip(r, t);
      }
    } else if (tag === ((2 << 3) | 2)) {
      out.spans.push(readSpan(r, buf, r.uint32()));
    } else skip(r, tag);
  }
  return out;
}

function readSpan(r: Reader, buf: Buffer, len: number): DecodedSpan {
  const e = end(r, len);
  const s: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: {},
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
  while (r.pos < e) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2: s.traceId = hex(r, buf); break;
      case (2 << 3) | 2: s.spanId = hex(r, buf); break;
      case (3 << 3) | 2: s.traceState = r.string(); break;
      case (4 << 3) | 2: s.parentSpanId = hex(r, buf); break;
      case (5 << 3) | 2: s.name = r.string(); break;
      case (6 << 3) | 0: s.kind = r.int32(); break;
      case (7 << 3) | 1: s.startTimeUnixNano = fixed64(r); break;
      case (8 << 3) | 1: s.endTimeUnixNano = fixed64(r); break;
      case (9 << 3) | 2: readKeyValue(r, buf, r.uint32(), s.attributes, 0); break;
      case (11 << 3) | 2: s.events.push(readEvent(r, buf, r.uint32())); break;
      case (13 << 3) | 2: s.links.push(readLink(r, buf, r.uint32())); break;
      case (15 << 3) | 2: {
        const se = end(r, r.uint32());
        while (r.pos < se) {
          const t = r.uint32();
          if (t === ((2 << 3) | 2)) s.statusMessage = r.string();
          else if (t === ((3 << 3) | 0)) s.statusCode = r.int32();
          else skip(r, t);
        }
        break;
      }
      default: skip(r, tag);
    }
  }
  return s;
}

function readEvent(r: Reader, buf: Buffer, len: number): DecodedEvent {
  const e = end(r, len);
  const ev: DecodedEvent = { timeUnixNano: '0', name: '', attributes: {} };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 1)) ev.timeUnixNano = fixed64(r);
    else if (tag === ((2 << 3) | 2)) ev.name = r.string();
    else if (tag === ((3 << 3) | 2)) readKeyValue(r, buf, r.uint32(), ev.attributes, 0);
    else skip(r, tag);
  }
  return ev;
}

function readLink(r: Reader, buf: Buffer, len: number): DecodedLink {
  const e = end(r, len);
  const l: DecodedLink = { traceId: '', spanId: '', traceState: '', attributes: {} };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) l.traceId = hex(r, buf);
    else if (tag === ((2 << 3) | 2)) l.spanId = hex(r, buf);
    else if (tag === ((3 << 3) | 2)) l.traceState = r.string();
    else if (tag === ((4 << 3) | 2)) readKeyValue(r, buf, r.uint32(), l.attributes, 0);
    else skip(r, tag);
  }
  return l;
}

function readKeyValue(r: Reader, buf: Buffer, len: number, into: Attributes, depth: number): void {
  const e = end(r, len);
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) key = r.string();
    else if (tag === ((2 << 3) | 2)) value = readAnyValue(r, buf, r.uint32(), depth + 1);
    else skip(r, tag);
  }
  setAttribute(into, key, value);
}

function readAnyValue(r: Reader, buf: Buffer, len: number, depth: number): AttributeValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(`invalid protobuf: attribute nesting deeper than ${MAX_DEPTH}`);
  const e = end(r, len);
  let value: AttributeValue = null;
  while (r.pos < e) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2: value = r.string(); break;
      case (2 << 3) | 0: value = r.bool(); break;
      case (3 << 3) | 0: value = varint64(r); break;
      case (4 << 3) | 1: value = r.double(); break;
      case (5 << 3) | 2: {
        const ae = end(r, r.uint32());
        const items: AttributeValue[] = [];
        while (r.pos < ae) {
          const t = r.uint32();
          if (t === ((1 << 3) | 2)) items.push(readAnyValue(r, buf, r.uint32(), depth + 1));
          else skip(r, t);
        }
        value = items;
        break;
      }
      case (6 << 3) | 2: {
        const ke = end(r, r.uint32());
        const map: Attributes = {};
        while (r.pos < ke) {
          const t = r.uint32();
          if (t === ((1 << 3) | 2)) readKeyValue(r, buf, r.uint32(), map, depth + 1);
          else skip(r, t);
        }
        value = map;
        break;
      }
      case (7 << 3) | 2: {
        const n = r.uint32();
        const start = r.pos;
        end(r, n);
        value = new Uint8Array(buf.subarray(start, start + n));
        r.pos = start + n;
        break;
      }
      default: skip(r, tag);
    }
  }
  return value;
}

function hex(r: Reader, buf: Buffer): string {
  const n = r.uint32();
  const start = r.pos;
  end(r, n);
  r.pos = start + n;
  return buf.toString('hex', start, start + n);
}

const TWO_32 = 4294967296n;

function fixed64(r: Reader): string {
  const lo = r.fixed32();
  const hi = r.fixed32();
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  return (BigInt(hi) * TWO_32 + BigInt(lo)).toString();
}

/**
 * int64 varint: a JS number when exact, else a decimal string (attribute values keep every digit).
 * Read by hand: protobufjs' own int64() is exact only when the optional `long` package loads.
 */
function varint64(r: Reader): number | string {
  const buf = (r as unknown as { buf: Uint8Array }).buf;
  let pos = r.pos;
  const first = buf[pos];
  if (first !== undefined && first < 0x80) {
    r.pos = pos + 1;
    return first;
  }
  let n = 0n;
  let shift = 0n;
  for (let i = 0; ; i++) {
    if (i === 10 || pos >= r.len) throw new OtlpDecodeError(`invalid protobuf: bad varint at offset ${r.pos}`);
    const b = buf[pos++]!;
    n |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  r.pos = pos;
  const signed = BigInt.asIntN(64, n);
  const asNumber = Number(signed);
  return Number.isSafeInteger(asNumber) ? asNumber : signed.toString();
}
