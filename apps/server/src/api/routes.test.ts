import {
  ApiError,
  CompareResponse,
  IngestDiagnosticsResponse,
  MetricsResponse,
  SessionResponse,
  TOP_LISTS,
  TopListResponse,
  TraceDetailResponse,
  TraceListResponse,
} from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentHourMsForApi } from './api-test-hour.ts';
import { openApiTestApp, type ApiTestApp } from './api-test-app.ts';

let t: ApiTestApp;
beforeAll(async () => {
  t = await openApiTestApp(recentHourMsForApi());
});
afterAll(async () => t?.close());

const json = async (path: string, status = 200) => {
  const res = await t.get(path, t.keyA);
  const body = (await res.json()) as unknown;
  expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(status);
  return body;
};
const window = () => `from=${new Date(t.dataset.hourMs).toISOString()}&to=${new Date(t.dataset.hourMs + 3_600_000).toISOString()}`;

describe('GET /api/traces', () => {
  it('lists, filters (repeatable attr too) and pages', async () => {
    const ds = t.dataset;
    const all = TraceListResponse.parse(await json('/api/traces'));
    expect(all.items.map((i) => i.traceId)).toEqual([ds.traces.e, ds.traces.d, ds.traces.c, ds.traces.b, ds.traces.a]);
    const filtered = TraceListResponse.parse(await json(`/api/traces?${window()}&model=gpt-4o&q=PARCEL&attr=sightline.metadata.tier%3Dgold`));
    expect(filtered.items.map((i) => i.traceId)).toEqual([ds.traces.a]);
    const twoAttrs = TraceListResponse.parse(await json('/api/traces?attr=sightline.metadata.tier%3Dgold&attr=missing%3Dx'));
    expect(twoAttrs.items).toEqual([]);
    const page1 = TraceListResponse.parse(await json('/api/traces?limit=3&sort=costUsd'));
    const page2 = TraceListResponse.parse(await json(`/api/traces?limit=3&sort=costUsd&cursor=${page1.nextCursor!}`));
    expect([...page1.items, ...page2.items].map((i) => i.traceId)).toEqual([ds.traces.e, ds.traces.a, ds.traces.b, ds.traces.d, ds.traces.c]);
    expect(page2.nextCursor).toBeNull();
  });

  it('answers bad input with 400 and the API error shape', async () => {
    const bad = ApiError.parse(await json('/api/traces?limit=0&status=maybe', 400));
    expect(bad.error.code).toBe('bad_request');
    expect(bad.error.issues?.map((i) => i.path).sort()).toEqual(['limit', 'status']);
    expect(ApiError.parse(await json('/api/traces?cursor=garbage', 400)).error.message).toMatch(/cursor/);
    expect(ApiError.parse(await json('/api/traces?from=last-week', 400)).error.message).toMatch(/from/);
    expect(ApiError.parse(await json('/api/traces?attr=novalue', 400)).error.message).toMatch(/key=value/);
  });
});

describe('GET /api/traces/:traceId', () => {
  it('returns spans with cost explanations from the price book', async () => {
    const detail = TraceDetailResponse.parse(await json(`/api/traces/${t.dataset.traces.a.toUpperCase()}`));
    expect(detail.spans).toHaveLength(4);
    const call = detail.spans[1]!;
    expect(call.costExplanation).not.toBeNull();
    expect(call.costExplanation!.lines.length).toBeGreaterThan(0);
    expect(detail.spans[0]!.costExplanation).toBeNull();
    const unpriced = TraceDetailResponse.parse(await json(`/api/traces/${t.dataset.traces.c}`)).spans[0]!;
    expect(unpriced).toMatchObject({ costUsd: null, costStatus: 'unpriced' });
    expect(unpriced.costExplanation).toMatchObject({ totalUsd: null });
  });

  it('rejects a malformed id and 404s an unknown one', async () => {
    expect(ApiError.parse(await json('/api/traces/not-hex', 400)).error.code).toBe('bad_request');
    expect(ApiError.parse(await json(`/api/traces/${'0'.repeat(32)}`, 404)).error.code).toBe('not_found');
  });
});

describe('GET /api/sessions/:sessionId', () => {
  it('returns the traces of a session in order, 404 otherwise', async () => {
    const session = SessionResponse.parse(await json('/api/sessions/sess-1'));
    expect(session.traces.map((x) => x.traceId)).toEqual([t.dataset.traces.a, t.dataset.traces.b]);
    await json('/api/sessions/nope', 404);
  });
});

describe('GET /api/metrics/*', () => {
  it('serves spend, failures and latency with groupBy and interval', async () => {
    const spend = MetricsResponse.parse(await json(`/api/metrics/spend?${window()}&groupBy=model&interval=minute`));
    expect(spend.series.map((s) => s.key).sort()).toEqual(['claude-sonnet-4', 'gpt-4o', 'gpt-4o-mini', 'mystery-1']);
    expect(spend.totals.calls).toBe(10);
    const failures = MetricsResponse.parse(await json(`/api/metrics/failures?${window()}&groupBy=service`));
    expect(failures.totals).toMatchObject({ errors: 2, rate_limit: 2 });
    const latency = MetricsResponse.parse(await json(`/api/metrics/latency?${window()}&interval=day`));
    expect(latency.totals.p95DurationMs).toBeGreaterThan(1000);
    expect(ApiError.parse(await json('/api/metrics/spend?groupBy=colour', 400)).error.issues?.[0]?.path).toBe('groupBy');
  });
});

describe('GET /api/top/:list and /api/compare and /api/diagnostics/ingest', () => {
  it('serves every top list and 404s an unknown one', async () => {
    for (const list of TOP_LISTS) {
      const r = TopListResponse.parse(await json(`/api/top/${list}?${window()}&limit=5`));
      expect(r.list).toBe(list);
      expect(r.items.length, list).toBeGreaterThan(0);
    }
    expect(ApiError.parse(await json('/api/top/cheapest-users', 404)).error.message).toMatch(/costliest-users/);
  });

  it('compares and explains ingest', async () => {
    const r = CompareResponse.parse(await json(`/api/compare?${window()}&dimension=promptVersion&promptName=summarize&a=v1&b=v2`));
    expect([r.a.calls, r.b.calls]).toEqual([1, 4]);
    expect(ApiError.parse(await json('/api/compare?dimension=model&a=x', 400)).error.issues?.[0]?.path).toBe('b');
    const diag = IngestDiagnosticsResponse.parse(await json('/api/diagnostics/ingest?service=support'));
    expect(diag.items.map((i) => i.diagnostic)).toContain('no usage: stream without include_usage');
  });
});

describe('authentication', () => {
  it('refuses a missing or unknown key', async () => {
    expect((await t.get('/api/traces', null)).status).toBe(401);
    expect((await t.get('/api/traces', 'sl_notarealkey00000000000000000000')).status).toBe(401);
  });
});
