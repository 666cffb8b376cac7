import { MetricsQuery, MetricsResponse } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetrics, type MetricKind } from './metrics.ts';
import { seedQueryDataset, type QueryDataset } from './query-dataset.ts';
import { openQueryTestStore, recentHourMs } from './query-test-store.ts';

let store: Awaited<ReturnType<typeof openQueryTestStore>>;
let ds: QueryDataset;

beforeAll(async () => {
  store = await openQueryTestStore();
  ds = await seedQueryDataset(store.driver, 'proj-a', recentHourMs());
  await seedQueryDataset(store.driver, 'proj-b', ds.hourMs);
});
afterAll(async () => store?.close());

const metrics = async (kind: MetricKind, query: Record<string, unknown>, projectId = 'proj-a') => {
  const parsed = MetricsQuery.parse({ from: iso(ds.hourMs), to: iso(ds.hourMs + 3_600_000), ...query });
  return MetricsResponse.parse(await queryMetrics(store.driver, projectId, kind, parsed));
};
const iso = (ms: number) => new Date(ms).toISOString();
const byKey = (r: MetricsResponse) => Object.fromEntries(r.series.map((s) => [s.key, s.points]));

describe('queryMetrics', () => {
  it('sums spend per model and hour exactly, from the rollups', async () => {
    const r = await metrics('spend', { groupBy: 'model', interval: 'hour' });
    const series = byKey(r);
    expect(Object.keys(series).sort()).toEqual(['claude-sonnet-4', 'gpt-4o', 'gpt-4o-mini', 'mystery-1']);
    expect(series['gpt-4o']).toEqual([
      expect.objectContaining({ t: iso(ds.hourMs), calls: 3, costUsd: 0.0155, inputTokens: 4500, outputTokens: 800, cacheReadTokens: 100 }),
    ]);
    expect(series['mystery-1']![0]).toMatchObject({ calls: 1, costUsd: 0, unpricedCalls: 1 });
    expect(r.totals).toMatchObject({ calls: 10, unpricedCalls: 1 });
    expect(r.totals.costUsd).toBeCloseTo(0.017034567, 12);
  });

  it('buckets by minute from the per-minute rollup and by day from the hourly one', async () => {
    const minutes = await metrics('spend', { interval: 'minute' });
    expect(minutes.series).toHaveLength(1);
    // Every minute of the hour is there; the empty ones are zero, not missing.
    expect(minutes.series[0]!.points).toHaveLength(60);
    expect(minutes.series[0]!.points[0]).toMatchObject({ t: iso(ds.hourMs), calls: 0, costUsd: 0 });
    expect(minutes.series[0]!.points.filter((p) => p.calls !== 0).map((p) => [p.t, p.calls])).toEqual([
      [iso(ds.hourMs + 10 * 60_000), 2], [iso(ds.hourMs + 20 * 60_000), 3], [iso(ds.hourMs + 30 * 60_000), 1],
      [iso(ds.hourMs + 40 * 60_000), 3], [iso(ds.hourMs + 50 * 60_000), 1],
    ]);
    const days = await metrics('spend', { interval: 'day' });
    expect(days.series[0]!.points).toEqual([expect.objectContaining({ t: iso(Math.floor(ds.hourMs / 86_400_000) * 86_400_000), calls: 10 })]);
  });

  it('applies filters and keeps to the project', async () => {
    const r = await metrics('spend', { service: 'checkout', environment: 'prod' });
    expect(r.totals).toMatchObject({ calls: 5 });
    expect((await metrics('spend', { status: 'error' })).totals).toMatchObject({ calls: 2 });
    expect((await metrics('spend', {}, 'proj-none')).series).toEqual([]);
  });

  it('groups and filters by endpoint and by config version', async () => {
    const byEndpoint = await metrics('spend', { groupBy: 'endpoint' });
    // The SDK's endpoint (batch-job, triage), a root call's own name (classify, chat gpt-4o), and
    // none for children no SDK named (the two gpt-4o calls, two of triage's).
    expect(Object.fromEntries(byEndpoint.series.map((s) => [s.key, s.points[0]?.calls]))).toEqual({
      'batch-job': 3, triage: 1, classify: 1, 'chat gpt-4o': 1, '': 4,
    });
    expect(byKey(byEndpoint)['batch-job']![0]!.costUsd).toBeCloseTo(0.001234567, 12);
    const batchJob = await metrics('failures', { endpoint: 'batch-job', groupBy: 'configVersion' });
    expect(batchJob.totals).toMatchObject({ calls: 3, errors: 2 });
    expect(byKey(batchJob)['cfg-1']![0]).toMatchObject({ calls: 2, errors: 2 });
    expect(byKey(batchJob)['cfg-2']![0]).toMatchObject({ calls: 1, errors: 0 });
    expect((await metrics('spend', { configVersion: 'cfg-2' })).totals).toMatchObject({ calls: 1 });
    expect((await metrics('spend', { endpoint: 'batch-job' }, 'proj-none')).series).toEqual([]);
  });

  it('reports error rate per failure class', async () => {
    const r = await metrics('failures', { groupBy: 'provider' });
    expect(r.totals).toMatchObject({ calls: 11, errors: 2, rate_limit: 2, timeout: 0, validationFailures: 1, retries: 2 });
    expect(r.totals.errorRate).toBeCloseTo(2 / 11, 12);
    expect(byKey(r).anthropic![0]).toMatchObject({ calls: 3, errors: 2, rate_limit: 2 });
  });

  it('merges latency quantiles across buckets', async () => {
    const r = await metrics('latency', { interval: 'minute' });
    expect(r.series[0]!.points[0]).toMatchObject({ calls: 0, p50DurationMs: null, outputTokensPerSecond: null });
    expect(r.totals.calls).toBe(10);
    expect(r.totals.p50DurationMs).toBeGreaterThanOrEqual(300);
    expect(r.totals.p50DurationMs).toBeLessThanOrEqual(400);
    expect(r.totals.p99DurationMs).toBeGreaterThanOrEqual(1500);
    expect(r.totals.p50TtftMs).toBeCloseTo(120, 0);
    // 875 output tokens over 6.4 s of LLM time.
    expect(r.totals.outputTokensPerSecond).toBeCloseTo(875 / 6.4, 6);
  });

  it('reads spend and failures from an aggregate projection, not every rollup row', async () => {
    // sumIf over a key (unpriced calls, failures per class) cannot be answered from a projection:
    // the queries sum per key first. A regression would read the per-user rows of the rollup itself.
    const seen: [string, Record<string, unknown>][] = [];
    const spy = { query: (sql: string, params?: Record<string, unknown>) => (seen.push([sql, params ?? {}]), store.driver.query(sql, params)) };
    const q = (o: Record<string, unknown>) => MetricsQuery.parse({ from: iso(ds.hourMs), to: iso(ds.hourMs + 3_600_000), ...o });
    await queryMetrics(spy as never, 'proj-a', 'spend', q({ groupBy: 'model' }));
    await queryMetrics(spy as never, 'proj-a', 'failures', q({ groupBy: 'provider', interval: 'day' }));
    await queryMetrics(spy as never, 'proj-a', 'spend', q({ groupBy: 'endpoint' }));
    const reads = [];
    for (const [sql, params] of seen) {
      const plan = await store.driver.query<{ explain: string }>(`EXPLAIN ${sql}`, params);
      reads.push(plan.map((r) => /ReadFromMergeTree \((.*)\)/.exec(r.explain)?.[1]).filter(Boolean).join(','));
    }
    expect(reads).toEqual(['without_user', 'without_user', 'without_user', 'without_user', 'by_endpoint', 'without_user']);
  });

  it('refuses a window that would be a wall of buckets', async () => {
    await expect(metrics('spend', { interval: 'minute', from: iso(ds.hourMs - 30 * 86_400_000) })).rejects.toMatchObject({ code: 'bad_time_range' });
  });
});
