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
 * OTLP/JSON → DecodedExportRequest, per the OTLP/HTTP spec's JSON rules: lowerCamelCase keys,
 * trace and span ids as hex (not base64), enums as integers (names accepted too, as the Collector
 * does), int64 as strings or numbers, unknown fields ignored. A wrong type where a field is present
 * is a 400: guessing would store something the sender did not mean.
 */

const MAX_DEPTH = 32;
type Json = Record<string, unknown>;

export function decodeOtlpJson(text: string): DecodedExportRequest {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  const obj = object(root, 'request');
  return { resourceSpans: array(obj.resourceSpans, 'resourceSpans').map((rs, i) => resourceSpans(rs, `resourceSpans[${i}]`)) };
}

function object(v: unknown, path: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new OtlpDecodeError(`${path}: expected an object`);
  return v as Json;
}

function array(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${path}: expected an array`);
  return v;
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new OtlpDecodeError(`${path}: expected a string`);
  return v;
}

function uint64(v: unknown, path: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v).toString();
  throw new OtlpDecodeError(`${path}: expected an unsigned 64-bit integer (string or number)`);
}

function int64(v: unknown, path: string): number | string {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) {
    const n = BigInt(v);
    return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
  }
  throw new OtlpDecodeError(`${path}: expected a 64-bit integer (string or number)`);
}

function enumValue(v: unknown, names: readonly string[], path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
  }
  throw new OtlpDecodeError(`${path}: expected an enum value`);
}

function id(v: unknown, path: string): string {
  return str(v, path).toLowerCase();
}

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function resourceSpans(v: unknown, path: string): DecodedResourceSpans {
  const o = object(v, path);
  const resource = o.resource === undefined || o.resource === null ? {} : object(o.resource, `${path}.resource`);
  return {
    resourceAttributes: attributes(resource.attributes, `${path}.resource.attributes`, 0),
    scopeSpans: array(o.scopeSpans, `${path}.scopeSpans`).map((ss, i) => scopeSpans(ss, `${path}.scopeSpans[${i}]`)),
  };
}

function scopeSpans(v: unknown, path: string): DecodedScopeSpans {
  const o = object(v, path);
  const scope = o.scope === undefined || o.scope === null ? {} : object(o.scope, `${path}.scope`);
  return {
    scopeName: str(scope.name, `${path}.scope.name`),
    scopeVersion: str(scope.version, `${path}.scope.version`),
    spans: array(o.spans, `${path}.spans`).map((s, i) => span(s, `${path}.spans[${i}]`)),
  };
}

function span(v: unknown, path: string): DecodedSpan {
  const o = object(v, path);
  const status = o.status === undefined || o.status === null ? {} : object(o.status, `${path}.status`);
  return {
    traceId: id(o.traceId, `${path}.traceId`),
    spanId: id(o.spanId, `${path}.spanId`),
    parentSpanId: id(o.parentSpanId, `${path}.parentSpanId`),
    traceState: str(o.traceState, `${path}.traceState`),
    name: str(o.name, `${path}.name`),
    kind: enumValue(o.kind, SPAN_KINDS, `${path}.kind`),
    startTimeUnixNano: uint64(o.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endTimeUnixNano: uint64(o.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: attributes(o.attributes, `${path}.attributes`, 0),
    events: array(o.events, `${path}.events`).map((e, i) => event(e, `${path}.events[${i}]`)),
    links: array(o.links, `${path}.links`).map((l, i) => link(l, `${path}.links[${i}]`)),
    statusCode: enumValue(status.code, STATUS_CODES, `${path}.status.code`),
    statusMessage: str(status.message, `${path}.status.message`),
  };
}

function event(v: unknown, path: string): DecodedEvent {
  const o = object(v, path);
  return {
    timeUnixNano: uint64(o.timeUnixNano, `${path}.timeUnixNano`),
    name: str(o.name, `${path}.name`),
    attributes: attributes(o.attributes, `${path}.attributes`, 0),
  };
}

function link(v: unknown, path: string): DecodedLink {
  const o = object(v, path);
  return {
    traceId: id(o.traceId, `${path}.traceId`),
    spanId: id(o.spanId, `${path}.spanId`),
    traceState: str(o.traceState, `${path}.traceState`),
    attributes: attributes(o.attributes, `${path}.attributes`, 0),
  };
}

function attributes(v: unknown, path: string, depth: number): Attributes {
  const out: Attributes = {};
  array(v, path).forEach((kv, i) => {
    const o = object(kv, `${path}[${i}]`);
    setAttribute(out, str(o.key, `${path}[${i}].key`), anyValue(o.value, `${path}[${i}].value`, depth + 1));
  });
  return out;
}

function anyValue(v: unknown, path: string, depth: number): AttributeValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(`${path}: attribute nesting deeper than ${MAX_DEPTH}`);
  if (v === undefined || v === null) return null;
  const o = object(v, path);
  if ('stringValue' in o) return str(o.stringValue, `${path}.stringValue`);
  if ('boolValue' in o) {
    if (typeof o.boolValue !== 'boolean') throw new OtlpDecodeError(`${path}.boolValue: expected a boolean`);
    return o.boolValue;
  }
  if ('intValue' in o) return int64(o.intValue, `${path}.intValue`);
  if ('doubleValue' in o) return double(o.doubleValue, `${path}.doubleValue`);
  if ('arrayValue' in o) {
    const a = object(o.arrayValue, `${path}.arrayValue`);
    return array(a.values, `${path}.arrayValue.values`).map((x, i) => anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if ('kvlistValue' in o) {
    const k = object(o.kvlistValue, `${path}.kvlistValue`);
    return attributes(k.values, `${path}.kvlistValue.values`, depth + 1);
  }
  if ('bytesValue' in o) {
    const b64 = str(o.bytesValue, `${path}.bytesValue`);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64)) throw new OtlpDecodeError(`${path}.bytesValue: expected base64`);
    return new Uint8Array(Buffer.from(b64, 'base64'));
  }
  return null;
}

/** proto3 JSON allows doubles as numbers or as the strings "NaN", "Infinity", "-Infinity" and numerals. */
function double(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return n;
  }
  throw new OtlpDecodeError(`${path}: expected a number`);
}
