import { IngestDiagnosticsResponse, SessionResponse, TraceDetailResponse } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryIngestDiagnostics } from './ingest-diagnostics.ts';
import { seedQueryDataset, type QueryDataset } from './query-dataset.ts';
import { openQueryTestStore, recentHourMs } from './query-test-store.ts';
import { getSession } from './session.ts';
import { getTraceDetail } from './trace-detail.ts';
import { makeSpanRow } from './span-row-fixture.ts';
import { insertSpans } from '../spans/insert-spans.ts';

let store: Awaited<ReturnType<typeof openQueryTestStore>>;
let ds: QueryDataset;

beforeAll(async () => {
  store = await openQueryTestStore();
  ds = await seedQueryDataset(store.driver, 'proj-a', recentHourMs());
  // proj-b reuses trace A's id with a span of its own.
  await insertSpans(store.driver, [
    makeSpanRow({ ProjectId: 'proj-b', TraceId: ds.traces.a, SpanId: 'ffffffffffffffff', SpanName: 'other-project', startMs: ds.hourMs + 600_000 }),
  ]);
});
afterAll(async () => store?.close());

describe('getTraceDetail', () => {
  it('returns every span of the trace in start order with typed fields', async () => {
    const detail = TraceDetailResponse.parse(await getTraceDetail(store.driver, 'proj-a', ds.traces.a));
    expect(detail.spans.map((s) => s.name)).toEqual(['handle-request', 'chat gpt-4o', 'lookup-order', 'chat gpt-4o']);
    expect(detail.truncated).toBe(false);
    const call = detail.spans[1]!;
    expect(call).toMatchObject({
      spanClass: 'llm', provider: 'openai', requestModel: 'gpt-4o', inputTokens: 1000, outputTokens: 200,
      cachedInputTokens: 100, costUsd: 0.0045, costStatus: 'priced', ttftMs: 120, finishReasons: ['stop'],
      promptName: 'summarize', promptVersion: 'v1', status: 'ok', failureClass: null, validationStatus: 'passed',
      attributes: { 'sightline.metadata.tier': 'gold' }, serviceTier: 'default', contentTruncated: false,
      input: '[{"role":"user","content":"Where is my Parcel?"}]', durationMs: 800, parentSpanId: detail.spans[0]!.spanId,
    });
    expect(call.events).toEqual([{ time: new Date(ds.hourMs + 601_000).toISOString(), name: 'first_token', attributes: { chunk: '1' } }]);
    expect(BigInt(call.startTimeUnixNano)).toBe(BigInt(ds.hourMs + 600_500) * 1_000_000n);
    expect(detail.spans[2]).toMatchObject({ spanClass: 'tool', costUsd: null, costStatus: null, input: null });
  });

  it('reports an unpriced call as having no cost, not a zero cost', async () => {
    const detail = await getTraceDetail(store.driver, 'proj-a', ds.traces.c);
    expect(detail?.spans[0]).toMatchObject({ costUsd: null, costStatus: 'unpriced', diagnostics: ['no usage: stream without include_usage'] });
    const b = await getTraceDetail(store.driver, 'proj-a', ds.traces.b);
    expect(b?.spans.map((s) => [s.status, s.failureClass, s.attempt])).toEqual([
      ['error', null, 0], ['error', 'rate_limit', 1], ['error', 'rate_limit', 2], ['ok', null, 3],
    ]);
    expect(b?.spans[3]).toMatchObject({ costUsd: 0.001234567, costStatus: 'explicit' });
  });

  it("carries each call's config version (sightline.config.version), '' when it has none", async () => {
    const traceId = 'c0'.repeat(16);
    await insertSpans(store.driver, [
      makeSpanRow({ ProjectId: 'proj-c', TraceId: traceId, SpanId: 'c000000000000001', SpanName: 'chat a', startMs: ds.hourMs, SpanAttributes: { 'sightline.config.version': 'rag-7' } }),
      makeSpanRow({ ProjectId: 'proj-c', TraceId: traceId, SpanId: 'c000000000000002', SpanName: 'chat b', startMs: ds.hourMs + 1_000, SpanAttributes: {} }),
    ]);
    const detail = await getTraceDetail(store.driver, 'proj-c', traceId);
    expect(detail?.spans.map((s) => [s.name, s.configVersion])).toEqual([['chat a', 'rag-7'], ['chat b', '']]);
  });

  it('keeps projects apart even when trace ids collide', async () => {
    const other = await getTraceDetail(store.driver, 'proj-b', ds.traces.a);
    expect(other?.spans.map((s) => s.name)).toEqual(['other-project']);
    expect(await getTraceDetail(store.driver, 'proj-none', ds.traces.a)).toBeNull();
    expect(await getTraceDetail(store.driver, 'proj-a', '0'.repeat(32))).toBeNull();
  });
});

describe('getSession', () => {
  it('lists the traces of a session in start order', async () => {
    const session = SessionResponse.parse(await getSession(store.driver, 'proj-a', 'sess-1'));
    expect(session.traces.map((t) => t.traceId)).toEqual([ds.traces.a, ds.traces.b]);
    expect(session.traces[1]).toMatchObject({ status: 'error', llmCallCount: 3, spanCount: 4 });
    expect(session.truncated).toBe(false);
    expect(await getSession(store.driver, 'proj-b', 'sess-1')).toBeNull();
  });
});

describe('queryIngestDiagnostics', () => {
  it('counts spans per service × convention × diagnostic', async () => {
    const r = IngestDiagnosticsResponse.parse(
      await queryIngestDiagnostics(store.driver, 'proj-a', { from: new Date(ds.hourMs).toISOString(), to: new Date(ds.hourMs + 3_600_000).toISOString() }),
    );
    const rows = r.items.map(({ serviceName, convention, diagnostic, count }) => [serviceName, convention, diagnostic, count]);
    expect(rows).toEqual([
      ['checkout', 'sightline', '', 9],
      ['support', 'openllmetry', 'no usage: stream without include_usage', 1],
      ['support', 'sightline', '', 4],
    ]);
    expect(r.items[1]!.lastSeen).toBe(new Date(ds.hourMs + 30 * 60_000).toISOString());
  });
});
