import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { KeyStore } from '../auth/key-store.ts';
import { encodeJson, encodeProtobuf, exportRequest, llmSpan } from './otlp-fixtures.ts';
import { startTestServer, type TestServer } from './test-support.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const post = (body: string | Uint8Array, headers: Record<string, string>, key: string | null = server.key) =>
  fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers: { ...headers, ...(key ? { authorization: `Bearer ${key}` } : {}) } });

async function spanRow(spanId: string): Promise<Record<string, unknown> | undefined> {
  const rows = await server.driver.query(
    `SELECT ProjectId, TraceId, SpanName, SpanKind, ServiceName, SpanAttributes, StatusCode, StatusMessage, toString(Timestamp) AS Ts, Duration, Events.Name AS EventNames
     FROM spans WHERE SpanId = {id:String}`,
    { id: spanId },
  );
  return rows[0];
}

/** google.rpc.Status / ExportTraceServiceResponse fields decoded by field number. */
function decodeFields(buf: Uint8Array): Map<number, unknown> {
  const r = protobuf.Reader.create(buf);
  const out = new Map<number, unknown>();
  while (r.pos < r.len) {
    const tag = r.uint32();
    if ((tag & 7) === 0) out.set(tag >>> 3, r.int64().toString());
    else if ((tag & 7) === 2) out.set(tag >>> 3, r.bytes());
    else r.skipType(tag & 7);
  }
  return out;
}

async function exportWith(exporter: ProtoExporter | JsonExporter, name: string): Promise<string> {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const span = provider.getTracer('routes-test', '1.2.3').startSpan(name, {
    attributes: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 12, ratio: 0.5, ok: true, tags: ['a', 'b'] },
  });
  span.addEvent('gen_ai.choice', { index: 0 });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 429' });
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
  return span.spanContext().spanId;
}

describe('POST /v1/traces with stock OpenTelemetry exporters', () => {
  it('stores a span sent by the protobuf exporter, attributes intact', async () => {
    const exporter = new ProtoExporter({ url: `${server.url}/v1/traces`, headers: { authorization: `Bearer ${server.key}` } });
    const spanId = await exportWith(exporter, 'proto span');
    const row = await spanRow(spanId);
    expect(row).toMatchObject({ ProjectId: 'default', SpanName: 'proto span', SpanKind: 'Internal', StatusCode: 'Error', StatusMessage: 'upstream 429', EventNames: ['gen_ai.choice'] });
    expect(row?.SpanAttributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': '12', ratio: '0.5', ok: 'true', tags: '["a","b"]' });
  });

  it('stores a span sent by the JSON exporter with gzip', async () => {
    const exporter = new JsonExporter({ url: `${server.url}/v1/traces`, headers: { authorization: `Bearer ${server.key}` }, compression: 'gzip' as never });
    const spanId = await exportWith(exporter, 'json span');
    expect(await spanRow(spanId)).toMatchObject({ SpanName: 'json span', StatusCode: 'Error' });
  });
});

describe('POST /v1/traces protocol', () => {
  it('keeps nanosecond timestamps exact and accepts gzip protobuf', async () => {
    const s = { ...llmSpan(1), startTimeUnixNano: '1763856000123456789', endTimeUnixNano: '1763856000987654321' };
    const res = await post(gzipSync(encodeProtobuf(exportRequest([s]))), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(new Uint8Array(await res.arrayBuffer()).length).toBe(0); // full success: empty response message
    const row = await spanRow(s.spanId);
    expect(row?.Ts).toBe('2025-11-23 00:00:00.123456789');
    // The normaliser ran: typed LLM columns are filled and the span is priced.
    const [typed] = await server.driver.query<{ RequestModel: string; InputTokens: number; CostNanos: number; Convention: string }>(
      'SELECT RequestModel, InputTokens, CostNanos, Convention FROM spans WHERE SpanId = {id:String}',
      { id: s.spanId },
    );
    // The fixture's scope is @sightline/sdk's: the convention is ours.
    expect(typed).toMatchObject({ RequestModel: 'gpt-4o-mini', InputTokens: 513, Convention: 'sightline' });
    expect(typed!.CostNanos).toBeGreaterThan(0);
    expect(row?.Duration).toBe(864197532);
  });

  it("names the endpoint of other instrumentations' spans whose root is in the same request", async () => {
    const traceId = 'e'.repeat(32);
    const root = { ...llmSpan(10, traceId), name: 'POST /chat', kind: 2, attributes: { 'http.request.method': 'POST', 'http.route': '/chat' } };
    const child = llmSpan(11, traceId, root.spanId);
    const named = { ...llmSpan(12, traceId, root.spanId), attributes: { ...llmSpan(12).attributes, 'sightline.endpoint': 'answer-ticket' } };
    const orphan = llmSpan(13, 'f'.repeat(32), 'abcdefabcdefabcd');
    const otherService = exportRequest([llmSpan(14, traceId, root.spanId)], 'another-service').resourceSpans;
    const req = exportRequest([root, child, named, orphan]);
    const res = await post(encodeProtobuf({ resourceSpans: [...req.resourceSpans, ...otherService] }), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(200);
    const rows = await server.driver.query<{ SpanId: string; Endpoint: string }>(
      `SELECT SpanId, Endpoint FROM spans WHERE TraceId IN ({t1:String}, {t2:String})`,
      { t1: traceId, t2: 'f'.repeat(32) },
    );
    const endpoint = Object.fromEntries(rows.map((r) => [r.SpanId, r.Endpoint]));
    expect(endpoint).toEqual({
      [root.spanId]: 'POST /chat', // a root is its own endpoint
      [child.spanId]: 'POST /chat', // its root came with it
      [named.spanId]: 'answer-ticket', // what the SDK wrote stays
      [orphan.spanId]: '', // its root is not here
      [otherService[0]!.scopeSpans[0]!.spans[0]!.spanId]: '', // another service's span: its own root is elsewhere
    });
  });

  it('answers partial_success naming the rejected spans and stores the rest (protobuf)', async () => {
    const good = llmSpan(2);
    const bad = { ...llmSpan(3), traceId: '00000000000000000000000000000000' };
    const res = await post(encodeProtobuf(exportRequest([good, bad])), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(200);
    const partial = decodeFields(new Uint8Array(await res.arrayBuffer())).get(1) as Uint8Array;
    const fields = decodeFields(partial);
    expect(fields.get(1)).toBe('1');
    expect(Buffer.from(fields.get(2) as Uint8Array).toString()).toMatch(/invalid trace id/);
    expect(await spanRow(good.spanId)).toBeDefined();
    expect(await spanRow(bad.spanId)).toBeUndefined();
  });

  it('answers partial_success in JSON for JSON requests', async () => {
    const bad = { ...llmSpan(4), spanId: 'xyz' };
    const res = await post(encodeJson(exportRequest([llmSpan(5), bad])), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringMatching(/invalid span id/) as string } });
  });

  it('answers 400 with a google.rpc.Status in the request content type', async () => {
    const pb = await post(new Uint8Array([0x0a, 0xff, 0xff, 0x7f]), { 'content-type': 'application/x-protobuf' });
    expect(pb.status).toBe(400);
    expect(pb.headers.get('content-type')).toBe('application/x-protobuf');
    const status = decodeFields(new Uint8Array(await pb.arrayBuffer()));
    expect(status.get(1)).toBe('3'); // INVALID_ARGUMENT
    expect(Buffer.from(status.get(2) as Uint8Array).toString()).toMatch(/invalid protobuf/);

    const json = await post('{"resourceSpans": 5}', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ code: 3, message: 'resourceSpans: expected an array' });
  });

  it('answers 415 for other content types and encodings', async () => {
    expect((await post('x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('{}', { 'content-type': 'application/json', 'content-encoding': 'br' })).status).toBe(415);
  });

  it('answers 413 for a gzip body past 64 MiB once inflated', async () => {
    const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024), { level: 9 });
    const res = await post(bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    // The server is fine afterwards.
    expect((await post(encodeProtobuf(exportRequest([llmSpan(6)])), { 'content-type': 'application/x-protobuf' })).status).toBe(200);
  });
});

describe('authentication and project isolation', () => {
  const body = () => encodeProtobuf(exportRequest([llmSpan(7)]));
  const proto = { 'content-type': 'application/x-protobuf' };

  it('refuses a missing, malformed or unknown key with 401', async () => {
    const missing = await post(body(), proto, null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeFields(new Uint8Array(await missing.arrayBuffer())).get(1)).toBe('16'); // UNAUTHENTICATED
    expect((await post(body(), { ...proto, authorization: 'Basic abc' }, null)).status).toBe(401);
    expect((await post(body(), proto, 'sl_thisKeyWasNeverIssued0000000000')).status).toBe(401);
  });

  it('a revoked key stops working', async () => {
    const created = await fetch(`${server.url}/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'short-lived' }) });
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    expect(key).toMatch(/^sl_[0-9A-Za-z]{32}$/);
    expect((await post(body(), proto, key)).status).toBe(200);
    const revoked = await fetch(`${server.url}/api/keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.key}` } });
    expect(revoked.status).toBe(204);
    expect((await post(body(), proto, key)).status).toBe(401);
  });

  it("writes land in the key's own project, and one project cannot see or revoke another's keys", async () => {
    const keys = new KeyStore(server.driver, 'sightline-api-key-v1');
    await keys.createProject('project-b', 'B');
    const { key: keyB } = await keys.createKey('project-b', 'b');
    const span = llmSpan(8);
    expect((await post(encodeProtobuf(exportRequest([span])), proto, keyB)).status).toBe(200);
    expect((await spanRow(span.spanId))?.ProjectId).toBe('project-b');
    expect(await server.countSpans('project-b')).toBe(1);

    const listB = (await (await fetch(`${server.url}/api/keys`, { headers: { authorization: `Bearer ${keyB}` } })).json()) as { items: { id: string; projectId: string }[] };
    expect(listB.items.every((k) => k.projectId === 'project-b')).toBe(true);
    const listA = (await (await fetch(`${server.url}/api/keys`, { headers: { authorization: `Bearer ${server.key}` } })).json()) as { items: { id: string }[] };
    const aKeyId = listA.items[0]!.id;
    const cross = await fetch(`${server.url}/api/keys/${aKeyId}`, { method: 'DELETE', headers: { authorization: `Bearer ${keyB}` } });
    expect(cross.status).toBe(404);
    expect((await post(body(), proto)).status).toBe(200); // A's key still works
  });

  it('stores only hashes of keys', async () => {
    const rows = await server.driver.query<{ Hash: string; Prefix: string }>('SELECT Hash, Prefix FROM api_keys');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.Hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.Hash).not.toContain(server.key);
      expect(r.Prefix.length).toBeLessThanOrEqual(9);
    }
  });
});

describe('operations endpoints', () => {
  it('serves /healthz, /readyz and Prometheus /metrics with ingest counters', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
    expect(value('sightline_spans_received_total')).toBeGreaterThan(5);
    expect(value('sightline_spans_rejected_total')).toBeGreaterThanOrEqual(2);
    expect(value('sightline_spans_stored_total')).toBeGreaterThan(3);
    expect(text).toMatch(/^sightline_spool_bytes 0$/m);
    expect(text).toMatch(/^sightline_ingest_requests_total\{code="413"\} 1$/m);
    expect(text).not.toContain(server.key);
  });
});
