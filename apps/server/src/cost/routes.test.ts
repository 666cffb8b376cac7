import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PricesFileError } from '@sightline/pricing';
import { insertSpans, type Driver } from '@sightline/storage';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import { OverrideStore } from './override-store.ts';
import { PriceBooks } from './price-books.ts';
import { loadPricesFile } from './prices-file.ts';
import { registeredOpenApiRoutes } from '../api/openapi.ts';
import { createPriceRoutes } from './routes.ts';
import { OverrideWriteResponse, PriceTableResponse, UnpricedModelsResponse } from './schemas.ts';
import { llmRow, openTestStore } from './test-support.ts';

const HOUR = 3_600_000;
const now = Date.now();
let store: Awaited<ReturnType<typeof openTestStore>>;
let driver: Driver;
let app: Hono<AppEnv>;
let books: PriceBooks;

/** The auth middleware's contract reduced to a header; AppError mapped as app.ts maps it. */
function testApp(): Hono<AppEnv> {
  const a = new Hono<AppEnv>();
  a.use('*', async (c, next) => {
    c.set('projectId', c.req.header('x-project') ?? 'proj_a');
    c.set('keyId', null);
    await next();
  });
  books = new PriceBooks(new OverrideStore(driver));
  a.route('/api/prices', createPriceRoutes({ driver, books, settleMs: 0 }));
  a.onError((err, c) => {
    if (err instanceof AppError) return c.json({ error: { code: err.code, message: err.message } }, err.status);
    throw err;
  });
  return a;
}

const call = async (method: string, path: string, body?: unknown, project?: string) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (project) headers['x-project'] = project;
  const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are probed field by field, each probe an assertion
  return { status: res.status, json: (await res.json()) as Record<string, any> };
};

const costOf = async (traceId: string) =>
  (await driver.query<{ n: number; s: string }>('SELECT CostNanos AS n, CostSource AS s FROM spans FINAL WHERE TraceId = {t:String}', { t: traceId }))[0];

const mini = llmRowLazy(() => llmRow('proj_a', now - HOUR, 'gpt-4o-mini'));
const house = llmRowLazy(() => llmRow('proj_a', now - HOUR, 'house-model'));
function llmRowLazy<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= make());
}

beforeAll(async () => {
  store = await openTestStore();
  driver = store.driver;
  app = testApp();
  await insertSpans(driver, [mini(), house(), llmRow('proj_b', now - HOUR, 'house-model')]);
});
afterAll(async () => {
  await store?.close();
});

describe('/api/prices', () => {
  it('lists the effective table with its date', async () => {
    const { status, json } = await call('GET', '/api/prices');
    expect(status).toBe(200);
    PriceTableResponse.parse(json);
    expect(json.tableDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(json.prices.find((p: { key: string }) => p.key === 'openai/gpt-4o')).toMatchObject({ source: 'bundled', kind: 'per_token', rates: { input: 2.5, cachedInput: 1.25, output: 10 } });
    expect((await call('GET', '/api/prices?at=yesterday')).status).toBe(400);
  });

  it('lists unpriced models per project', async () => {
    const { json } = await call('GET', '/api/prices/unpriced');
    UnpricedModelsResponse.parse(json);
    expect(json.items).toEqual([expect.objectContaining({ provider: 'openai', model: 'house-model', calls: 1, inputTokens: 1000 })]);
  });

  it('rejects a bad override naming each bad key', async () => {
    const { status, json } = await call('POST', '/api/prices/overrides', { kind: 'per_token', model: 'x', effectiveFrom: '2025-01-01', rates: { input: -1 } });
    expect(status).toBe(400);
    expect(json.error.message).toContain('rates.input');
    expect(json.error.message).toContain('rates.output');
  });

  it('creates, updates and deletes an override, re-costing spans each time', async () => {
    const created = await call('POST', '/api/prices/overrides', { kind: 'per_token', provider: 'openai', model: 'gpt-4o-mini', effectiveFrom: '2020-01-01', rates: { input: 1, output: 2 } });
    expect(created.status).toBe(201);
    OverrideWriteResponse.parse(created.json);
    expect(created.json.recost).toMatchObject({ changed: 1 });
    // 1000 × 1000 + 100 × 2000
    expect(await costOf(mini().TraceId)).toEqual({ n: 1_200_000, s: 'priced' });
    const id = created.json.override.id as string;
    const table = await call('GET', '/api/prices');
    expect(table.json.prices.filter((p: { key: string }) => p.key === 'openai/gpt-4o-mini').map((p: { source: string }) => p.source)).toEqual(['bundled', 'override']);

    const updated = await call('PUT', `/api/prices/overrides/${id}`, { kind: 'per_token', provider: 'openai', model: 'gpt-4o-mini', effectiveFrom: '2020-01-01', rates: { input: 2, output: 2 } });
    expect(updated.status).toBe(200);
    // 1000 × 2000 + 100 × 2000
    expect(await costOf(mini().TraceId)).toEqual({ n: 2_200_000, s: 'priced' });

    expect((await call('DELETE', `/api/prices/overrides/${id}`)).status).toBe(200);
    // back to the bundled 1000 × 150 + 100 × 600
    expect(await costOf(mini().TraceId)).toEqual({ n: 210_000, s: 'priced' });
    expect((await call('DELETE', `/api/prices/overrides/${id}`)).status).toBe(404);
    expect((await call('GET', '/api/prices/overrides')).json.items).toEqual([]);
  });

  it('prices a self-hosted model for one project only', async () => {
    const res = await call('POST', '/api/prices/overrides', { kind: 'gpu_hour', model: 'house-model', effectiveFrom: '2020-01-01', hourlyUsd: 1.8, concurrency: 1 });
    expect(res.json.recost).toMatchObject({ changed: 1 });
    // 2000 ms × 1.8 $/h = $0.001
    expect(await costOf(house().TraceId)).toEqual({ n: 1_000_000, s: 'priced' });
    expect((await call('GET', '/api/prices/unpriced')).json.items).toEqual([]);
    expect((await call('GET', '/api/prices/unpriced', undefined, 'proj_b')).json.items).toHaveLength(1);
  });

  it('re-costs on demand and replaces the whole override set', async () => {
    const manual = await call('POST', '/api/prices/recost', { from: new Date(now - 10 * HOUR).toISOString() });
    expect(manual.status).toBe(200);
    expect(manual.json).toMatchObject({ examined: 2, changed: 0 });
    const bulk = await call('PUT', '/api/prices/overrides', { overrides: [] });
    expect(bulk.json.recost).toMatchObject({ changed: 1 });
    expect(await costOf(house().TraceId)).toEqual({ n: 0, s: 'unpriced' });
  });
});

describe('/api/prices under concurrent writes', () => {
  it('ends with the costs of the last book whatever order the re-costs finish in', async () => {
    const write = (effectiveFrom: string, price: number) =>
      call('POST', '/api/prices/overrides', { kind: 'per_token', model: 'gpt-4o-mini', effectiveFrom, rates: { input: price, output: price } });
    const results = await Promise.all([write('2020-01-01', 5), write('2021-01-01', 7), write('2020-06-01', 6)]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    // the latest effective override (2021, $7/M) prices the span: 1100 tokens × 7000
    expect(await costOf(mini().TraceId)).toEqual({ n: 7_700_000, s: 'priced' });
    await call('PUT', '/api/prices/overrides', { overrides: [] });
    expect(await costOf(mini().TraceId)).toEqual({ n: 210_000, s: 'priced' });
  });
});

describe('/api/prices without authentication', () => {
  it('refuses rather than guessing a project', async () => {
    const bare = new Hono<AppEnv>().route('/api/prices', createPriceRoutes({ driver, settleMs: 0 }));
    bare.onError((err, c) => (err instanceof AppError ? c.json({ error: { code: err.code } }, err.status) : c.json({}, 500)));
    const res = await bare.request('/api/prices/unpriced');
    expect(res.status).toBe(401);
  });
});

describe('/api/prices in the OpenAPI document', () => {
  it('documents every route it mounts', () => {
    const documented = new Set(registeredOpenApiRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const mounted = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/\/$/, '')}`);
    expect(mounted.length).toBeGreaterThanOrEqual(8);
    for (const route of mounted) expect(documented, route).toContain(route);
  });
});

describe('prices file', () => {
  it('loads a valid file and names bad keys of an invalid one', async () => {
    const good = join(tmpdir(), `prices-${process.pid}-good.json`);
    writeFileSync(good, JSON.stringify({ overrides: [{ kind: 'gpu_hour', model: 'm', effectiveFrom: '2025-01-01', hourlyUsd: 2 }], azureDeployments: { prod: 'gpt-4o' } }));
    expect((await loadPricesFile(good)).overrides[0]).toMatchObject({ id: 'file-1', kind: 'gpu_hour', concurrency: 1 });
    const bad = join(tmpdir(), `prices-${process.pid}-bad.json`);
    writeFileSync(bad, JSON.stringify({ overides: [] }));
    await expect(loadPricesFile(bad)).rejects.toThrow(PricesFileError);
    await expect(loadPricesFile(bad)).rejects.toThrow(/overides/);
    await expect(loadPricesFile(join(tmpdir(), 'missing-prices.json'))).rejects.toThrow(/cannot read/);
    expect(await loadPricesFile(undefined)).toEqual({ overrides: [], azureDeployments: {} });
  });
});

describe('override store', () => {
  it('leaves out, and reports, a stored override that no longer validates', async () => {
    const invalid: string[] = [];
    const overrides = new OverrideStore(driver, (_projectId, id) => invalid.push(id));
    await driver.insert('price_overrides', [
      { ProjectId: 'proj_c', Id: 'po_bad', Provider: '*', Model: 'm', EffectiveFrom: '2025-01-01 00:00:00', Body: '{"kind":"per_token"', CreatedAt: '2025-01-01 00:00:00', UpdatedAt: '2025-01-01 00:00:00', Deleted: 0, Version: 1 },
      { ProjectId: 'proj_c', Id: 'po_old', Provider: '*', Model: 'm', EffectiveFrom: '2025-01-01 00:00:00', Body: '{"kind":"per_minute"}', CreatedAt: '2025-01-01 00:00:00', UpdatedAt: '2025-01-01 00:00:00', Deleted: 0, Version: 1 },
    ]);
    await overrides.put('proj_c', { kind: 'per_token', model: 'm', effectiveFrom: '2025-01-01', rates: { input: 1, output: 1 } });
    expect((await overrides.list('proj_c')).map((o) => o.override.model)).toEqual(['m']);
    expect(invalid.sort()).toEqual(['po_bad', 'po_old']);
  });
});
