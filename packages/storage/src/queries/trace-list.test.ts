import { TraceListQuery, TraceListResponse } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { toSpanInsertRow } from '../spans/span-insert-row.ts';
import { QueryError } from './query-error.ts';
import { seedQueryDataset, type QueryDataset } from './query-dataset.ts';
import { openQueryTestStore, recentHourMs } from './query-test-store.ts';
import { listTraces, narrowingScans } from './trace-list.ts';
import { hexId, makeSpanRow } from './span-row-fixture.ts';
import { insertSpans } from '../spans/insert-spans.ts';

let store: Awaited<ReturnType<typeof openQueryTestStore>>;
let driver: Driver;
let ds: QueryDataset;

beforeAll(async () => {
  store = await openQueryTestStore();
  driver = store.driver;
  const hour = recentHourMs();
  ds = await seedQueryDataset(driver, 'proj-a', hour);
  // Another project reusing trace A's id must never show up in proj-a's answers.
  await seedQueryDataset(driver, 'proj-b', hour);
  // A redelivered span that slipped past ingest de-duplication (raw insert): reads must count it once.
  const dup = ds.spans.find((s) => s.TraceId === ds.traces.a && s.SpanClass === 'tool');
  await driver.insert('spans', [toSpanInsertRow(dup!)]);
  const [raw] = await driver.query<{ n: number }>('SELECT count() AS n FROM spans WHERE ProjectId = {p:String} AND SpanId = {s:String}', { p: 'proj-a', s: dup!.SpanId });
  expect(raw?.n).toBe(2);
});
afterAll(async () => store?.close());

const list = async (query: Record<string, unknown>, projectId = 'proj-a') => {
  const parsed = TraceListQuery.parse({ from: iso(ds.hourMs), to: iso(ds.hourMs + 3_600_000), ...query });
  return TraceListResponse.parse(await listTraces(driver, projectId, parsed));
};
const iso = (ms: number) => new Date(ms).toISOString();
const ids = (r: TraceListResponse) => r.items.map((i) => i.traceId);

describe('listTraces', () => {
  it('lists newest first with whole-trace summaries, counting a duplicated span once', async () => {
    const r = await list({});
    expect(ids(r)).toEqual([ds.traces.e, ds.traces.d, ds.traces.c, ds.traces.b, ds.traces.a]);
    const a = r.items.find((i) => i.traceId === ds.traces.a)!;
    expect(a).toMatchObject({
      rootName: 'handle-request', serviceName: 'checkout', spanCount: 4, llmCallCount: 2,
      inputTokens: 1500, outputTokens: 300, status: 'ok', userId: 'user-1', sessionId: 'sess-1',
      unpricedCallCount: 0, durationMs: 3000, startTime: iso(ds.hourMs + 10 * 60_000),
    });
    expect(a.costUsd).toBeCloseTo(0.0065, 12);
    expect(r.items.find((i) => i.traceId === ds.traces.b)).toMatchObject({ status: 'error', costUsd: 0.001234567 });
    expect(r.items.find((i) => i.traceId === ds.traces.c)).toMatchObject({ costUsd: 0, unpricedCallCount: 1 });
    expect(r.nextCursor).toBeNull();
  });

  it('applies span-level filters but summarises every span of a matching trace', async () => {
    expect(ids(await list({ model: 'gpt-4o' }))).toEqual([ds.traces.e, ds.traces.a]);
    const byText = await list({ q: 'parcel' });
    expect(ids(byText)).toEqual([ds.traces.a]);
    expect(byText.items[0]!.spanCount).toBe(4);
    expect(ids(await list({ q: 'SCHÖNE' }))).toEqual([ds.traces.a]);
    expect(ids(await list({ attr: 'sightline.metadata.tier=gold' }))).toEqual([ds.traces.a]);
    expect(ids(await list({ attr: 'sightline.metadata.tier=silver' }))).toEqual([]);
    expect(ids(await list({ sessionId: 'sess-1' }))).toEqual([ds.traces.b, ds.traces.a]);
    expect(ids(await list({ failureClass: 'rate_limit' }))).toEqual([ds.traces.b]);
    expect(ids(await list({ service: 'support', userId: 'user-3' }))).toEqual([ds.traces.d]);
    expect(ids(await list({ promptName: 'summarize', promptVersion: 'v2' }))).toEqual([ds.traces.b, ds.traces.a]);
  });

  it('filters on the endpoint, the root span, by start time and from trace_index alike', async () => {
    expect(ids(await list({ endpoint: 'batch-job' }))).toEqual([ds.traces.b]);
    expect(ids(await list({ endpoint: 'batch-job', sort: 'costUsd' }))).toEqual([ds.traces.b]);
    expect(ids(await list({ endpoint: 'handle-request', sort: 'durationMs', model: 'gpt-4o' }))).toEqual([ds.traces.a]);
    // A child span's name is not an endpoint.
    expect(ids(await list({ endpoint: 'chat claude' }))).toEqual([]);
    expect(ids(await list({ endpoint: 'chat claude', sort: 'costUsd' }))).toEqual([]);
  });

  it('filters on the config version the SDK records on LLM spans', async () => {
    const hour = ds.hourMs;
    const trace = (n: number, configVersion: string) =>
      makeSpanRow({ ProjectId: 'proj-cfg', TraceId: hexId(0x7000 + n, 32), SpanId: hexId(0x7000 + n, 16), SpanName: `chat ${n}`, SpanClass: 'llm', startMs: hour + n * 60_000, SpanAttributes: { 'sightline.config.version': configVersion } });
    await insertSpans(driver, [trace(1, 'extract-cfg-4'), trace(2, 'extract-cfg-5'), trace(3, 'extract-cfg-5')]);
    expect((await list({ configVersion: 'extract-cfg-5' }, 'proj-cfg')).items.map((i) => i.rootName)).toEqual(['chat 3', 'chat 2']);
    expect((await list({ configVersion: 'extract-cfg-4' }, 'proj-cfg')).items.map((i) => i.rootName)).toEqual(['chat 1']);
    expect((await list({ configVersion: 'extract-cfg-4' })).items).toEqual([]);
  });

  it('applies trace-level filters', async () => {
    expect(ids(await list({ status: 'error' }))).toEqual([ds.traces.b]);
    expect(ids(await list({ status: 'ok' }))).not.toContain(ds.traces.b);
    expect(ids(await list({ minCostUsd: 0.005 }))).toEqual([ds.traces.e, ds.traces.a]);
    expect(ids(await list({ minDurationMs: 2500 }))).toEqual([ds.traces.b, ds.traces.a]);
    // By cost or duration the page comes from trace_index; the same filters must hold there.
    expect(ids(await list({ sort: 'costUsd', minCostUsd: 0.005 }))).toEqual([ds.traces.e, ds.traces.a]);
    expect(ids(await list({ sort: 'durationMs', status: 'error' }))).toEqual([ds.traces.b]);
    expect(ids(await list({ sort: 'durationMs', order: 'asc', minDurationMs: 2500 }))).toEqual([ds.traces.a, ds.traces.b]);
    expect(ids(await list({ sort: 'costUsd', status: 'ok', model: 'gpt-4o' }))).toEqual([ds.traces.e, ds.traces.a]);
  });

  it('keeps traces to the window by their start', async () => {
    const r = await list({ from: iso(ds.hourMs + 15 * 60_000), to: iso(ds.hourMs + 45 * 60_000) });
    expect(ids(r)).toEqual([ds.traces.d, ds.traces.c, ds.traces.b]);
  });

  it('says whether the root span has arrived (a running trace shows its children first)', async () => {
    const trace = hexId(0xf00d, 32);
    const at = ds.hourMs + 20 * 60_000;
    const child = makeSpanRow({ ProjectId: 'proj-root', TraceId: trace, SpanId: hexId(2, 16), ParentSpanId: hexId(1, 16), SpanName: 'chat gpt-4o', startMs: at + 5 });
    await insertSpans(driver, [child]);
    expect((await list({}, 'proj-root')).items).toMatchObject([{ traceId: trace, rootName: 'chat gpt-4o', hasRoot: false, spanCount: 1 }]);
    await insertSpans(driver, [makeSpanRow({ ProjectId: 'proj-root', TraceId: trace, SpanId: hexId(1, 16), SpanName: 'plan-trip', startMs: at, durationMs: 50 })]);
    expect((await list({}, 'proj-root')).items).toMatchObject([{ traceId: trace, rootName: 'plan-trip', hasRoot: true, spanCount: 2 }]);
  });

  it('pages with a keyset cursor without gaps or repeats, in every sort', async () => {
    for (const [sort, order, expected] of [
      ['startTime', 'desc', [ds.traces.e, ds.traces.d, ds.traces.c, ds.traces.b, ds.traces.a]],
      ['costUsd', 'desc', [ds.traces.e, ds.traces.a, ds.traces.b, ds.traces.d, ds.traces.c]],
      ['durationMs', 'asc', [ds.traces.d, ds.traces.c, ds.traces.e, ds.traces.a, ds.traces.b]],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const r = await list({ sort, order, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...ids(r));
        if (r.nextCursor === null) break;
        cursor = r.nextCursor;
      }
      expect(seen, `${sort} ${order}`).toEqual(expected);
    }
  });

  it('rejects a forged cursor or one from another sort', async () => {
    await expect(list({ cursor: 'not-a-cursor' })).rejects.toThrow(QueryError);
    const first = await list({ limit: 1 });
    await expect(list({ sort: 'costUsd', cursor: first.nextCursor! })).rejects.toMatchObject({ code: 'bad_cursor' });
    await expect(list({ from: 'yesterday' })).rejects.toMatchObject({ code: 'bad_time_range' });
    await expect(list({ attr: 'novalue' })).rejects.toMatchObject({ code: 'bad_filter' });
  });

  it('pages across narrowing scans and leaves out traces that began before the window', async () => {
    const spread = [];
    const base = ds.hourMs + 3_600_000;
    // Ten one-span traces two hours apart, newest first, then a trace that began before the window.
    for (let i = 0; i < 10; i++) {
      spread.push(makeSpanRow({ ProjectId: 'proj-c', TraceId: hexId(0x100 + i, 32), SpanId: hexId(0x100 + i, 16), startMs: base - i * 7_200_000 }));
    }
    const from = base - 19 * 3_600_000;
    spread.push(
      makeSpanRow({ ProjectId: 'proj-c', TraceId: hexId(0x200, 32), SpanId: hexId(0x200, 16), startMs: from - 600_000, durationMs: 1_000_000 }),
      makeSpanRow({ ProjectId: 'proj-c', TraceId: hexId(0x200, 32), SpanId: hexId(0x201, 16), ParentSpanId: hexId(0x200, 16), startMs: from + 300_000 }),
    );
    await insertSpans(driver, spread);
    const expected = Array.from({ length: 10 }, (_, i) => hexId(0x100 + i, 32));
    for (const order of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const r = await list({ from: iso(from), to: iso(base + 1), order, limit: 3, ...(cursor === undefined ? {} : { cursor }) }, 'proj-c');
        seen.push(...ids(r));
        if (r.nextCursor === null) break;
        cursor = r.nextCursor;
      }
      expect(seen, order).toEqual(order === 'desc' ? expected : [...expected].reverse());
    }
  });

  it('sorts by cost and duration over traces whose spans arrived in separate inserts', async () => {
    const hour = ds.hourMs;
    const span = (trace: number, span: number, startMs: number, costNanos: number, durationMs = 10) =>
      makeSpanRow({ ProjectId: 'proj-split', TraceId: hexId(0x300 + trace, 32), SpanId: hexId(0x300 + span, 16), ParentSpanId: span % 10 === 0 ? '' : hexId(0x300 + trace * 10, 16), startMs, durationMs, CostNanos: costNanos });
    // Held merges keep each insert a part of its own in trace_index: a trace is then several rows there.
    await driver.command('SYSTEM STOP MERGES trace_index');
    try {
      // Trace 1 began before the window (its second insert is inside it) and is the costliest: left out.
      await insertSpans(driver, [span(1, 10, hour - 60_000, 100_000_000, 120_000), span(2, 20, hour + 600_000, 2_000_000), span(3, 30, hour + 700_000, 4_000_000)]);
      await insertSpans(driver, [span(1, 11, hour + 300_000, 1_000_000), span(2, 21, hour + 1_200_000, 3_000_000, 60_000)]);
      const [rows] = await driver.query<{ n: number }>("SELECT count() AS n FROM trace_index WHERE ProjectId = 'proj-split'");
      expect(rows?.n).toBe(5);
      // Trace 2 sums to 5,000,000 over its two rows and lasts 10.06 minutes; trace 3 is 4,000,000 and 10 ms.
      const byCost = await list({ sort: 'costUsd' }, 'proj-split');
      expect(byCost.items.map((i) => [i.traceId, i.costUsd])).toEqual([[hexId(0x302, 32), 0.005], [hexId(0x303, 32), 0.004]]);
      expect(ids(await list({ sort: 'durationMs', order: 'asc' }, 'proj-split'))).toEqual([hexId(0x303, 32), hexId(0x302, 32)]);
      expect(ids(await list({ sort: 'costUsd', minCostUsd: 0.0045 }, 'proj-split'))).toEqual([hexId(0x302, 32)]);
      const page1 = await list({ sort: 'costUsd', limit: 1 }, 'proj-split');
      expect(ids(await list({ sort: 'costUsd', limit: 1, cursor: page1.nextCursor }, 'proj-split'))).toEqual([hexId(0x303, 32)]);
    } finally {
      await driver.command('SYSTEM START MERGES trace_index');
    }
  });

  it('sees only its own project', async () => {
    const other = await list({}, 'proj-none');
    expect(other.items).toEqual([]);
  });
});

describe('narrowingScans', () => {
  const hour = 3_600_000;
  const week = { fromMs: 0, toMs: 7 * 24 * hour };
  const widths = (scans: { fromMs: number; toMs: number }[]) => scans.map((s) => (s.toMs - s.fromMs) / 60_000);

  it('starts from the newest minutes without span-level filters, from the newest hour with filters other than a search term, widening 8× to the window', () => {
    expect(widths(narrowingScans(week, null, 'desc'))).toEqual([7.5, 60, 480, 3840, 10_080]);
    expect(widths(narrowingScans(week, null, 'desc', true))).toEqual([60, 480, 3840, 10_080]);
    for (const scan of narrowingScans(week, null, 'desc')) expect(scan.toMs).toBe(week.toMs);
    for (const scan of narrowingScans(week, null, 'asc', true)) expect(scan.fromMs).toBe(week.fromMs);
  });

  it('starts at the cursor, which stays a candidate, and ends with the rest of the window', () => {
    const cursor = { sort: 'startTime' as const, order: 'desc' as const, value: String(2 * hour * 1_000_000), traceId: 'a'.repeat(32) };
    const scans = narrowingScans(week, cursor, 'desc');
    expect(scans.map((s) => s.toMs)).toEqual(scans.map(() => 2 * hour + 1));
    expect(widths(scans)).toEqual([7.5, 60, (2 * hour + 1) / 60_000]);
  });
});
