import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropCounters } from '../diagnostics.ts';
import { OtlpSink } from '../test/otlp-sink.ts';
import { SightlineProtoExporter, parseRetryAfter, type ProtoExporterOptions } from './otlp-proto-exporter.ts';

let sink: OtlpSink;
beforeAll(async () => {
  sink = await OtlpSink.start();
});
afterAll(() => sink.close());
afterEach(() => {
  sink.received.length = 0;
  sink.next.length = 0;
  sink.mode = 'ok';
  sink.partial = undefined;
  sink.answerJson = false;
});

function makeSpans(n: number, attrBytes = 100): ReadableSpan[] {
  const mem = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(mem)] }).getTracer('t');
  for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`, { attributes: { payload: 'p'.repeat(attrBytes) } }).end();
  return mem.getFinishedSpans();
}

async function exportWith(options: Partial<ProtoExporterOptions>, spans: ReadableSpan[]): Promise<{ result: ExportResult; ms: number }> {
  const exporter = new SightlineProtoExporter({ url: `${sink.url}/v1/traces`, timeoutMillis: 3000, ...options });
  const t0 = Date.now();
  const result = await new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
  await exporter.shutdown();
  return { result, ms: Date.now() - t0 };
}

describe('SightlineProtoExporter', () => {
  it('posts protobuf with the configured headers, uncompressed or gzip', async () => {
    const spans = makeSpans(3);
    for (const compression of ['none', 'gzip'] as const) {
      sink.received.length = 0;
      const { result } = await exportWith({ compression, headers: { Authorization: 'Bearer k1' } }, spans);
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      const h = sink.received[0]?.headers;
      expect(h?.['content-type']).toBe('application/x-protobuf');
      expect(h?.authorization).toBe('Bearer k1');
      expect(h?.['content-encoding']).toBe(compression === 'gzip' ? 'gzip' : undefined);
      expect(sink.spans().map((s) => s.name)).toEqual(['s0', 's1', 's2']);
    }
  });

  it('splits a batch into requests bounded by bytes, each span sent once', async () => {
    const spans = makeSpans(40, 2000);
    const { result } = await exportWith({ maxRequestBytes: 16 * 1024 }, spans);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(sink.received.length).toBeGreaterThanOrEqual(5);
    for (const r of sink.received) expect(r.body.length).toBeLessThanOrEqual(20 * 1024);
    expect(sink.spans().map((s) => s.name)).toEqual(spans.map((s) => s.name));
  });

  it('retries 503 after Retry-After and succeeds', async () => {
    sink.retryAfter = '0';
    sink.next.push('503', '503');
    const { result } = await exportWith({}, makeSpans(2));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(sink.received).toHaveLength(3);
  });

  it('gives up at once when Retry-After exceeds the remaining budget', async () => {
    sink.retryAfter = '30';
    sink.mode = '503';
    const { result, ms } = await exportWith({ timeoutMillis: 2000 }, makeSpans(2));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toContain('503');
    expect(sink.received).toHaveLength(1);
    expect(ms).toBeLessThan(1500);
  });

  it('does not retry a non-retryable status', async () => {
    sink.mode = '413';
    const { result } = await exportWith({}, makeSpans(1));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(sink.received).toHaveLength(1);
  });

  it.each(['protobuf', 'json'])('counts spans rejected in a %s partial_success', async (kind) => {
    sink.partial = { rejectedSpans: 2, errorMessage: 'attribute too large' };
    const before = dropCounters.spansRejectedByServer;
    const exporter = new SightlineProtoExporter({ url: `${sink.url}/v1/traces` });
    sink.answerJson = kind === 'json'; // some collectors answer JSON whatever they were sent
    const result = await new Promise<ExportResult>((resolve) => exporter.export(makeSpans(3), resolve));
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(dropCounters.spansRejectedByServer - before).toBe(2);
  });

  it('fails without throwing when the endpoint is down or the answer is garbage', async () => {
    const down = new SightlineProtoExporter({ url: 'http://127.0.0.1:9/v1/traces', timeoutMillis: 300 });
    const r1 = await new Promise<ExportResult>((resolve) => down.export(makeSpans(1), resolve));
    expect(r1.code).toBe(ExportResultCode.FAILED);
    await down.shutdown();
    sink.mode = 'garbage';
    const { result } = await exportWith({}, makeSpans(1));
    expect(result.code).toBe(ExportResultCode.SUCCESS); // a 200 means accepted, whatever the body
  });

  it('keeps a throwing result callback from becoming an unhandled rejection', async () => {
    const escaped: unknown[] = [];
    const onEscape = (e: unknown) => escaped.push(e);
    process.on('unhandledRejection', onEscape);
    try {
      const exporter = new SightlineProtoExporter({ url: `${sink.url}/v1/traces` });
      exporter.export(makeSpans(1), () => {
        throw new Error('processor bug');
      });
      await exporter.shutdown();
      await new Promise((r) => setTimeout(r, 20));
      expect(sink.received).toHaveLength(1);
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onEscape);
    }
  });

  it('refuses exports after shutdown', async () => {
    const exporter = new SightlineProtoExporter({ url: `${sink.url}/v1/traces` });
    await exporter.shutdown();
    const r = await new Promise<ExportResult>((resolve) => exporter.export(makeSpans(1), resolve));
    expect(r.code).toBe(ExportResultCode.FAILED);
    expect(sink.received).toHaveLength(0);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const d = parseRetryAfter(new Date(Date.now() + 5000).toUTCString()) ?? 0;
    expect(d).toBeGreaterThan(3000);
    expect(d).toBeLessThanOrEqual(5000);
  });
});
