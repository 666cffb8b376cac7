import { CompareResponse } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSides, type CompareOptions } from './compare.ts';
import { seedQueryDataset, type QueryDataset } from './query-dataset.ts';
import { openQueryTestStore, recentHourMs } from './query-test-store.ts';

let store: Awaited<ReturnType<typeof openQueryTestStore>>;
let ds: QueryDataset;

beforeAll(async () => {
  store = await openQueryTestStore();
  ds = await seedQueryDataset(store.driver, 'proj-a', recentHourMs());
  await seedQueryDataset(store.driver, 'proj-b', ds.hourMs, 'b');
});
afterAll(async () => store?.close());

const compare = async (options: Omit<CompareOptions, 'from' | 'to'>, projectId = 'proj-a') =>
  CompareResponse.parse(
    await compareSides(store.driver, projectId, {
      from: new Date(ds.hourMs).toISOString(),
      to: new Date(ds.hourMs + 3_600_000).toISOString(),
      ...options,
    }),
  );

describe('compareSides', () => {
  it('compares two models over one window', async () => {
    const r = await compare({ dimension: 'model', a: 'gpt-4o', b: 'gpt-4o-mini' });
    expect(r.a).toMatchObject({ key: 'gpt-4o', calls: 3, totalCostUsd: 0.0155, failureRate: 0, avgInputTokens: 1500 });
    expect(r.a.costPerCallUsd).toBeCloseTo(0.0155 / 3, 12);
    expect(r.b).toMatchObject({ key: 'gpt-4o-mini', calls: 3, totalCostUsd: 0.0003, p50DurationMs: 300 });
    expect(r.from).toBe(new Date(ds.hourMs).toISOString());
  });

  it('compares two versions of a prompt, with the prompt named either way', async () => {
    const r = await compare({ dimension: 'promptVersion', promptName: 'summarize', a: 'v1', b: 'v2' });
    expect(r.a).toMatchObject({ calls: 1, totalCostUsd: 0.0045, failureRate: 0 });
    expect(r.b).toMatchObject({ calls: 4, failureRate: 0.5, avgOutputTokens: 37.5 });
    const named = await compare({ dimension: 'promptVersion', a: 'summarize@v1', b: 'summarize@v2' });
    expect(named.b.calls).toBe(4);
  });

  it('compares validation failures and retried calls, what a prompt change is judged by', async () => {
    const r = await compare({ dimension: 'promptVersion', a: 'classify@v1', b: 'summarize@v2' });
    expect(r.a).toMatchObject({ calls: 4, validationFailureRate: 0.25, retryRate: 0 });
    expect(r.b).toMatchObject({ calls: 4, validationFailureRate: 0, retryRate: 0.5 });
  });

  it('compares two config versions, within one endpoint', async () => {
    const r = await compare({ dimension: 'configVersion', a: 'cfg-1', b: 'cfg-2', endpoint: 'batch-job' });
    expect(r.a).toMatchObject({ key: 'cfg-1', calls: 2, failureRate: 1, totalCostUsd: 0 });
    expect(r.b).toMatchObject({ key: 'cfg-2', calls: 1, failureRate: 0, totalCostUsd: 0.001234567 });
    expect((await compare({ dimension: 'configVersion', a: 'cfg-1', b: 'cfg-2', endpoint: 'triage' })).a.calls).toBe(0);
  });

  it('shows an empty side as no data, and refuses a pointless comparison', async () => {
    const r = await compare({ dimension: 'model', a: 'gpt-4o', b: 'nope' });
    expect(r.b).toMatchObject({ calls: 0, costPerCallUsd: null, p95DurationMs: null, failureRate: null, validationFailureRate: null, retryRate: null });
    expect((await compare({ dimension: 'model', a: 'gpt-4o', b: 'nope' }, 'proj-none')).a.calls).toBe(0);
    await expect(compare({ dimension: 'model', a: 'x', b: 'x' })).rejects.toMatchObject({ code: 'bad_filter' });
    await expect(compare({ dimension: 'promptVersion', a: 'v1', b: 'v2' })).rejects.toMatchObject({ code: 'bad_filter' });
  });
});
