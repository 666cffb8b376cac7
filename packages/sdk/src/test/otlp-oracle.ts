import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

// protobufjs finds its `long` dependency only through a CommonJS require it cannot make from an
// ES module; without it, fixed64 timestamps come back as lossy doubles.
const requireFromProtobuf = createRequire(createRequire(import.meta.url).resolve('protobufjs'));
const longModule = requireFromProtobuf('long') as { default?: unknown };
protobuf.util.Long = (longModule.default ?? longModule) as typeof protobuf.util.Long;
protobuf.configure();

// protobufjs reflection over the OTLP .proto: an encoder-independent reader of what the SDK sends.
const root = protobuf.parse(readFileSync(createRequire(import.meta.url).resolve('@sightline/contracts/otlp-trace.proto'), 'utf8'), { keepCase: true }).root;
export const ExportTraceServiceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
export const ExportTraceServiceResponse = protobuf
  .parse('syntax = "proto3"; message PS { int64 rejected_spans = 1; string error_message = 2; } message R { PS partial_success = 1; }', { keepCase: true })
  .root.lookupType('R');

export interface DecodedValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: string;
  double_value?: number;
  bytes_value?: string;
  array_value?: { values?: DecodedValue[] };
  kvlist_value?: { values?: Array<{ key: string; value?: DecodedValue }> };
}
export interface DecodedKv {
  key: string;
  value?: DecodedValue;
}
export interface DecodedSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  trace_state?: string;
  name: string;
  kind?: number;
  flags?: number;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  attributes?: DecodedKv[];
  dropped_attributes_count?: number;
  events?: Array<{ time_unix_nano: string; name: string; attributes?: DecodedKv[] }>;
  links?: Array<{ trace_id: string; span_id: string; trace_state?: string; attributes?: DecodedKv[]; flags?: number }>;
  status?: { code?: number; message?: string };
}
export interface DecodedRequest {
  resource_spans?: Array<{
    resource?: { attributes?: DecodedKv[] };
    schema_url?: string;
    scope_spans?: Array<{ scope?: { name?: string; version?: string }; schema_url?: string; spans?: DecodedSpan[] }>;
  }>;
}

/** Decodes an ExportTraceServiceRequest; ids as hex, 64-bit integers as decimal strings. */
export function decodeTraceRequest(body: Uint8Array): DecodedRequest {
  const msg = ExportTraceServiceRequest.decode(body);
  return ExportTraceServiceRequest.toObject(msg, { longs: String, bytes: String, enums: Number, defaults: false }) as DecodedRequest;
}

/** Base64 (protobufjs' bytes form) to hex. */
export const hex = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('hex');

/** An AnyValue as a plain JS value (int64 as number, arrays and kvlists recursively). */
export function plain(v: DecodedValue | undefined): unknown {
  if (!v) return undefined;
  if (v.string_value !== undefined) return v.string_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  if (v.bytes_value !== undefined) return Buffer.from(v.bytes_value, 'base64');
  if (v.array_value) return (v.array_value.values ?? []).map(plain);
  if (v.kvlist_value) return Object.fromEntries((v.kvlist_value.values ?? []).map((kv) => [kv.key, plain(kv.value)]));
  return undefined;
}

export const attrs = (kvs: DecodedKv[] | undefined): Record<string, unknown> =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, plain(kv.value)]));
