import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

// protobufjs reflection over the OTLP .proto: an encoder-independent reader of what the SDK's default
// (protobuf) exporter sends. Ids come back as base64 bytes and are turned into hex like OTLP/JSON's.
const ExportTraceServiceRequest = protobuf
  .parse(readFileSync(createRequire(import.meta.url).resolve('@sightline/contracts/otlp-trace.proto'), 'utf8'))
  .root.lookupType('otlp.ExportTraceServiceRequest');

/** One span as an OTLP/HTTP JSON export carries it, flattened for assertions. */
export interface SinkSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, string | number | boolean | string[]>;
}

export interface OtlpSink {
  url: string;
  spans: SinkSpan[];
  /** Authorization headers seen, to check the API key travelled. */
  authorizations: string[];
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };

function plain(v: AnyValue | undefined): string | number | boolean | string[] {
  if (v === undefined) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return (v.arrayValue?.values ?? []).map((x) => String(plain(x)));
}

function attrs(list: { key: string; value?: AnyValue }[] | undefined): SinkSpan['attributes'] {
  return Object.fromEntries((list ?? []).map((a) => [a.key, plain(a.value)]));
}

type ExportBody = {
  resourceSpans?: { resource?: { attributes?: { key: string; value?: AnyValue }[] }; scopeSpans?: { spans?: { name: string; traceId: string; spanId: string; parentSpanId?: string; attributes?: { key: string; value?: AnyValue }[] }[] }[] }[];
};

const hexFromBase64 = (id: string | undefined): string => Buffer.from(id ?? '', 'base64').toString('hex');

function decodeProtobuf(raw: Buffer): ExportBody {
  const message = ExportTraceServiceRequest.decode(raw);
  const body = ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, defaults: false }) as ExportBody;
  for (const rs of body.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        s.traceId = hexFromBase64(s.traceId);
        s.spanId = hexFromBase64(s.spanId);
        s.parentSpanId = hexFromBase64(s.parentSpanId);
      }
    }
  }
  return body;
}

/**
 * A minimal OTLP/HTTP receiver on loopback (protobuf, the SDK's default, and JSON), decoded for
 * assertions. Any other content type is refused with 415 so a protocol change is noticed, not lost.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  const spans: SinkSpan[] = [];
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== '/v1/traces' || req.method !== 'POST') return void res.writeHead(404).end();
      const type = String(req.headers['content-type'] ?? '');
      const isJson = type.includes('json');
      if (!isJson && !type.includes('x-protobuf')) return void res.writeHead(415).end();
      authorizations.push(String(req.headers.authorization ?? ''));
      let raw: Buffer = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const body = isJson ? (JSON.parse(raw.toString('utf8')) as ExportBody) : decodeProtobuf(raw);
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attrs(rs.resource?.attributes)['service.name'] ?? '');
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) spans.push({ service, name: s.name, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', attributes: attrs(s.attributes) });
        }
      }
      if (isJson) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); // an empty ExportTraceServiceResponse
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
