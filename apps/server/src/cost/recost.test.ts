import type { Driver } from '@sightline/storage';
import { insertSpans } from '@sightline/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverrideStore } from './override-store.ts';
import { PriceBooks } from './price-books.ts';
import { overrideMatcher } from './price-rows.ts';
import { recostSpans } from './recost.ts';
import { llmRow, openTestStore } from './test-support.ts';

const P = 'proj_recost';
const HOUR = 3_600_000;
const now = Date.now();
const effective = new Date(Math.floor((now - 24 * HOUR) / HOUR) * HOUR); // "yesterday", on an hour
let store: Awaited<ReturnType<typeof openTestStore>>;
let driver: Driver;
const llm = (atMs: number, model: string, extra: Parameters<typeof llmRow>[3] = {}) => llmRow(P, atMs, model, extra);

async function rawCosts(): Promise<Map<string, { nanos: number; source: string }>> {
  const rows = await driver.query<{ id: string; CostNanos: number; CostSource: string }>(
    'SELECT TraceId AS id, CostNanos, CostSource FROM spans FINAL WHERE ProjectId = {p:String}', { p: P });
  return new Map(rows.map((r) => [r.id, { nanos: Number(r.CostNanos), source: r.CostSource }]));
}

async function sums(): Promise<{ raw: Record<string, number>; hourly: Record<string, number>; minutely: Record<string, number> }> {
  const q = async (table: string) => {
    const rows = await driver.query<{ k: string; n: number }>(
      `SELECT concat(Model, '/', CostSource) AS k, sum(CostNanos) AS n FROM ${table} WHERE ProjectId = {p:String} GROUP BY k`, { p: P });
    return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
  };
  const raw = await driver.query<{ k: string; n: number }>(
    `SELECT concat(if(ResponseModel != '', ResponseModel, RequestModel), '/', CostSource) AS k, sum(CostNanos) AS n FROM spans FINAL WHERE ProjectId = {p:String} GROUP BY k`, { p: P });
  return { raw: Object.fromEntries(raw.map((r) => [r.k, Number(r.n)])), hourly: await q('rollup_hourly'), minutely: await q('rollup_minutely') };
}

beforeAll(async () => {
  store = await openTestStore();
  driver = store.driver;
});
afterAll(async () => {
  await store?.close();
});

describe('re-costing', () => {
  const old = [llm(now - 50 * HOUR, 'gpt-4o-mini'), llm(now - 30 * HOUR, 'gpt-4o-mini')];
  const recent = [llm(now - 2 * HOUR, 'gpt-4o-mini'), llm(now - 90 * 60_000, 'gpt-4o-mini'), llm(now - 10 * 60_000, 'gpt-4o-mini')];
  const explicit = llm(now - HOUR, 'gpt-4o-mini', { 'sightline.cost.usd': 0.25 });
  const other = llm(now - HOUR, 'gpt-4o');
  const house = llm(now - HOUR, 'house-model');

  it('reprices spans after an override’s effective date, in raw spans and both rollups', async () => {
    await insertSpans(driver, [...old, ...recent, explicit, other, house]);
    // gpt-4o-mini bundled: 1000 × 150 + 100 × 600 = 210_000; gpt-4o: 1000 × 2500 + 100 × 10_000 = 3_500_000
    expect((await rawCosts()).get(recent[0]?.TraceId ?? '')).toEqual({ nanos: 210_000, source: 'priced' });
    const before = await sums();
    expect(before.hourly).toEqual(before.raw);
    expect(before.raw['gpt-4o-mini/priced']).toBe(5 * 210_000);

    const overrides = new OverrideStore(driver);
    const books = new PriceBooks(overrides);
    const saved = await overrides.put(P, { kind: 'per_token', provider: 'openai', model: 'gpt-4o-mini', effectiveFrom: effective.toISOString(), rates: { input: 1, output: 2 } });
    const result = await recostSpans(driver, await books.get(P), P, { from: effective, match: overrideMatcher([saved.override], {}) });
    expect(result).toMatchObject({ examined: 3, changed: 3 });

    const costs = await rawCosts();
    // override: 1000 × 1000 + 100 × 2000 = 1_200_000, only for the three spans after the effective time
    for (const r of recent) expect(costs.get(r.TraceId)).toEqual({ nanos: 1_200_000, source: 'priced' });
    for (const r of old) expect(costs.get(r.TraceId)).toEqual({ nanos: 210_000, source: 'priced' });
    expect(costs.get(explicit.TraceId)).toEqual({ nanos: 250_000_000, source: 'explicit' });
    expect(costs.get(other.TraceId)).toEqual({ nanos: 3_500_000, source: 'priced' });
    expect(costs.get(house.TraceId)).toEqual({ nanos: 0, source: 'unpriced' });

    const after = await sums();
    expect(after.raw['gpt-4o-mini/priced']).toBe(2 * 210_000 + 3 * 1_200_000);
    expect(after.hourly).toEqual(after.raw);
    // minute buckets keep three days, so they hold every span here too
    expect(after.minutely).toEqual(after.raw);
  });

  it('turns an unpriced self-hosted model into spend once it gets a GPU-hour price', async () => {
    const overrides = new OverrideStore(driver);
    const saved = await overrides.put(P, { kind: 'gpu_hour', model: 'house-model', effectiveFrom: '2020-01-01', hourlyUsd: 3.6, concurrency: 2 });
    const result = await recostSpans(driver, await new PriceBooks(overrides).get(P), P, { from: new Date('2020-01-01'), match: overrideMatcher([saved.override], {}) });
    expect(result).toMatchObject({ examined: 1, changed: 1 });
    // 2000 ms × 3_600_000_000 nano/h ÷ (3_600_000 × 2) = 1_000_000
    expect((await rawCosts()).get(house.TraceId)).toEqual({ nanos: 1_000_000, source: 'priced' });
    const s = await sums();
    expect(s.hourly).toEqual(s.raw);
    expect(s.hourly['house-model/unpriced']).toBeUndefined();
  });

  it('writes the same costs when values travel as parameters (the cluster path)', async () => {
    const overrides = new OverrideStore(driver);
    const saved = await overrides.put(P, { kind: 'per_token', provider: 'openai', model: 'gpt-4o', effectiveFrom: '2020-01-01', rates: { input: 1, output: 1 } });
    const result = await recostSpans(driver, await new PriceBooks(overrides).get(P), P, { from: new Date('2020-01-01'), match: overrideMatcher([saved.override], {}), writeVia: 'parameters' });
    expect(result).toMatchObject({ examined: 1, changed: 1 });
    // 1000 × 1000 + 100 × 1000
    expect((await rawCosts()).get(other.TraceId)).toEqual({ nanos: 1_100_000, source: 'priced' });
    const s = await sums();
    expect(s.hourly).toEqual(s.raw);
  });

  it('is a no-op when nothing changes', async () => {
    const books = new PriceBooks(new OverrideStore(driver));
    const result = await recostSpans(driver, await books.get(P), P, { from: new Date(now - 100 * HOUR) });
    expect(result.changed).toBe(0);
    expect(result.examined).toBe(7); // the explicit span is never re-examined
  });
});
