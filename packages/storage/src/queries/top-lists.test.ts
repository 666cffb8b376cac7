import { TOP_LISTS, TopListResponse } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAN_INSERT_COLUMNS, encodeSpan, joinLines } from '../spans/encoded-span.ts';
import { seedQueryDataset, type QueryDataset } from './query-dataset.ts';
import { openQueryTestStore, recentHourMs } from './query-test-store.ts';
import { makeSpanRow } from './span-row-fixture.ts';
import { insertSpans } from '../spans/insert-spans.ts';
import { queryTopList } from './top-lists.ts';
import type { SpanRow, TopListName } from '@sightline/contracts';

let store: Awaited<ReturnType<typeof openQueryTestStore>>;
let ds: QueryDataset;

beforeAll(async () => {
  store = await openQueryTestStore();
  ds = await seedQueryDataset(store.driver, 'proj-a', recentHourMs());
  // The same shapes in another project (other ids): must never leak into proj-a's lists.
  await seedQueryDataset(store.driver, 'proj-b', ds.hourMs, 'b');
});
afterAll(async () => store?.close());

const top = async (list: TopListName, extra: Record<string, unknown> = {}, projectId = 'proj-a') =>
  TopListResponse.parse(
    await queryTopList(store.driver, projectId, list, {
      from: new Date(ds.hourMs).toISOString(),
      to: new Date(ds.hourMs + 3_600_000).toISOString(),
      limit: 10,
      ...extra,
    }),
  );

describe('queryTopList', () => {
  it('ranks users and prompts by cost', async () => {
    const users = await top('costliest-users');
    expect(users.items.map((i) => [i.key, i.costUsd, i.calls])).toEqual([
      ['user-2', 0.010234567, 4], ['user-1', 0.0065, 3], ['user-3', 0.0003, 3],
    ]);
    const prompts = await top('costliest-prompts');
    expect(prompts.items.map((i) => i.key)).toEqual(['summarize@v1', 'summarize@v2', 'classify@v1']);
    expect(prompts.items[1]).toMatchObject({ promptName: 'summarize', promptVersion: 'v2', calls: 4, costUsd: 0.003234567 });
  });

  it('ranks traces by cost and calls by duration', async () => {
    const traces = await top('costliest-traces');
    expect(traces.items.map((i) => i.key)).toEqual([ds.traces.e, ds.traces.a, ds.traces.b, ds.traces.d]);
    expect(traces.items[1]).toMatchObject({ rootName: 'handle-request', costUsd: 0.0065, llmCallCount: 2, startTime: new Date(ds.hourMs + 600_000).toISOString() });
    // With a filter the list comes from a span scan instead of trace_index: same rows, same shape.
    const filtered = await top('costliest-traces', { service: 'checkout' });
    expect(filtered.items.map((i) => i.key)).toEqual([ds.traces.e, ds.traces.a, ds.traces.b]);
    expect(filtered.items[1]).toEqual(traces.items[1]);
    const slow = await top('slowest-calls', { limit: 2 });
    expect(slow.items.map((i) => [i.traceId, i.durationMs, i.model])).toEqual([[ds.traces.e, 2000, 'gpt-4o'], [ds.traces.c, 1500, 'mystery-1']]);
  });

  it('ranks endpoints (root spans, per service) by spend, with requests, failures and spend per request', async () => {
    const endpoints = await top('costliest-endpoints');
    expect(endpoints.items.map((i) => [i.key, i.serviceName, i.requests, i.failedRequests, i.costUsd])).toEqual([
      ['chat gpt-4o', 'checkout', 1, 0, 0.009],
      ['handle-request', 'checkout', 1, 0, 0.0065],
      ['batch-job', 'checkout', 1, 1, 0.001234567],
      ['triage', 'support', 1, 0, 0.0003],
    ]);
    // With a filter the spend is that of the matching spans, and the endpoint still the trace's root.
    const claude = await top('costliest-endpoints', { model: 'claude-sonnet-4' });
    expect(claude.items.map((i) => [i.key, i.requests, i.costUsd])).toEqual([['batch-job', 1, 0.001234567]]);
    const checkout = await top('costliest-endpoints', { service: 'checkout' });
    expect(checkout.items).toEqual(endpoints.items.slice(0, 3));

    // Several requests of one endpoint add up; each service's endpoints are its own.
    const hour = ds.hourMs;
    let n = 0;
    const request = (service: string, endpoint: string, costNanos: number) => {
      n++;
      const traceId = `e${String(n).padStart(31, '0')}`;
      return [
        makeSpanRow({ ProjectId: 'proj-ep', TraceId: traceId, SpanId: `a${String(n).padStart(15, '0')}`, SpanName: endpoint, ServiceName: service, SpanClass: 'other', startMs: hour + n * 1000, durationMs: 500 }),
        makeSpanRow({ ProjectId: 'proj-ep', TraceId: traceId, SpanId: `b${String(n).padStart(15, '0')}`, ParentSpanId: `a${String(n).padStart(15, '0')}`, SpanName: 'chat', ServiceName: service, SpanClass: 'llm', CostNanos: costNanos, CostSource: 'priced', startMs: hour + n * 1000 + 10, durationMs: 400 }),
      ];
    };
    await insertSpans(store.driver, [
      ...request('api', 'POST /chat', 3_000_000), ...request('api', 'POST /chat', 1_000_000), ...request('api', 'POST /summarize', 2_500_000),
      ...request('worker', 'POST /chat', 500_000),
    ]);
    const perEndpoint = await top('costliest-endpoints', {}, 'proj-ep');
    expect(perEndpoint.items.map((i) => [i.key, i.serviceName, i.requests, i.costUsd, i.costPerRequestUsd])).toEqual([
      ['POST /chat', 'api', 2, 0.004, 0.002],
      ['POST /summarize', 'api', 1, 0.0025, 0.0025],
      ['POST /chat', 'worker', 1, 0.0005, 0.0005],
    ]);

    // A request whose call arrived before its root (the usual order) is two rows in trace_index
    // until they merge: still one request, named after its root, with the call's spend.
    await store.driver.command('SYSTEM STOP MERGES trace_index');
    try {
      const [root, call] = request('api', 'POST /chat', 700_000);
      await insertSpans(store.driver, [call!]);
      await insertSpans(store.driver, [root!]);
      const [rows] = await store.driver.query<{ n: number }>('SELECT count() AS n FROM trace_index WHERE TraceId = {t:String}', { t: root!.TraceId });
      expect(rows?.n).toBe(2);
      const again = await top('costliest-endpoints', {}, 'proj-ep');
      expect(again.items.map((i) => [i.key, i.serviceName, i.requests, i.costUsd])[0]).toEqual(['POST /chat', 'api', 3, 0.0047]);
    } finally {
      await store.driver.command('SYSTEM START MERGES trace_index');
    }
  });

  it('finds retry loops by identical input and by call key', async () => {
    const loops = await top('retry-loops');
    expect(loops.items.map((i) => [i.traceId, i.reason, i.repeatedCalls])).toEqual([
      [ds.traces.b, 'call_key_retries', 3],
      [ds.traces.d, 'identical_input', 3],
    ]);
    expect(loops.items[1]).toMatchObject({ model: 'gpt-4o-mini', promptName: 'classify', costUsd: 0.0003 });
  });

  it('groups validation failures and unpriced models', async () => {
    const failures = await top('validation-failures');
    expect(failures.items).toEqual([
      expect.objectContaining({ promptName: 'classify', promptVersion: 'v1', model: 'mystery-1', failures: 1, validated: 1, failureRate: 1, lastTraceId: ds.traces.c }),
    ]);
    const unpriced = await top('unpriced-models');
    expect(unpriced.items).toEqual([
      expect.objectContaining({ key: 'acme/mystery-1', calls: 1, inputTokens: 50, lastSeen: new Date(ds.hourMs + 30 * 60_000).toISOString() }),
    ]);
  });

  it('accepts a long window (no buckets here, unlike the metrics)', async () => {
    const year = await top('costliest-users', { from: new Date(ds.hourMs - 365 * 86_400_000).toISOString() });
    expect(year.items).toHaveLength(3);
  });

  it('narrows by filters', async () => {
    const users = await top('costliest-users', { service: 'support' });
    expect(users.items.map((i) => i.key)).toEqual(['user-3', 'user-1']);
  });

  it('answers every list for a project without data with nothing', async () => {
    for (const list of TOP_LISTS) expect((await top(list, {}, 'proj-none')).items, list).toEqual([]);
  });
});

describe('queryTopList over copies of spans not yet merged away', () => {
  // A redelivery that slipped past the ingest's de-duplication stays a second row until parts merge.
  // Slowest calls reads raw rows (no FINAL), retry loops picks its candidates from them: both must
  // still count and list every span once.
  const project = 'proj-copies';
  const trace = (n: number) => n.toString(16).padStart(32, 'c');
  const llm = (traceN: number, spanN: number, fields: Partial<SpanRow> & { durationMs?: number }) =>
    makeSpanRow({
      ProjectId: project, TraceId: trace(traceN), SpanId: spanN.toString(16).padStart(16, '0'), SpanClass: 'llm', SpanName: 'chat',
      RequestModel: 'gpt-4o-mini', startMs: ds.hourMs + 60_000 + spanN * 1000, durationMs: 100, ...fields,
    });
  const insertRaw = async (rows: ReturnType<typeof makeSpanRow>[], token: string) =>
    store.driver.insertLines('spans', SPAN_INSERT_COLUMNS, joinLines(rows.map((r) => encodeSpan(r))), { dedupToken: token });
  const list = (name: TopListName, limit: number) => top(name, { limit }, project);

  beforeAll(async () => {
    await store.driver.command('SYSTEM STOP MERGES spans');
    const same = '[{"role":"user","content":"is it done yet?"}]';
    // Trace 1: two identical calls, delivered twice (four rows): not a loop. Trace 2: three, once: a loop.
    const twice = [llm(1, 1, { InputContent: same }), llm(1, 2, { InputContent: same })];
    const thrice = [llm(2, 3, { InputContent: same }), llm(2, 4, { InputContent: same }), llm(2, 5, { InputContent: same })];
    // The slowest call, 40 copies in one block: more than the first raw read of the slowest list.
    const slowest = llm(3, 6, { durationMs: 9000 });
    // Two calls tied on duration: ordered by span id, as the list's SQL order says.
    const tied = [llm(3, 8, { durationMs: 5000 }), llm(3, 7, { durationMs: 5000 })];
    await insertRaw([...twice, ...thrice, ...Array.from({ length: 40 }, () => slowest), ...tied], 'copies-1');
    await insertRaw(twice, 'copies-2');
  });
  afterAll(async () => store.driver.command('SYSTEM START MERGES spans'));

  it('lists the slowest calls once each, reading past the copies', async () => {
    const rows = Number((await store.driver.query<{ n: number }>('SELECT count() AS n FROM spans WHERE ProjectId = {p:String}', { p: project }))[0]?.n);
    expect(rows).toBe(49); // the copies really are there
    const slow = await list('slowest-calls', 3);
    expect(slow.items.map((i) => [i.spanId, i.durationMs])).toEqual([
      ['0000000000000006', 9000], ['0000000000000007', 5000], ['0000000000000008', 5000],
    ]);
  });

  it('counts a retry loop from distinct spans only', async () => {
    const loops = await list('retry-loops', 10);
    expect(loops.items.map((i) => [i.traceId, i.reason, i.repeatedCalls])).toEqual([[trace(2), 'identical_input', 3]]);
  });
});
