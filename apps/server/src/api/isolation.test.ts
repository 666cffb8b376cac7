import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentHourMsForApi } from './api-test-hour.ts';
import { openApiTestApp, type ApiTestApp } from './api-test-app.ts';
import { createQueryRoutes } from './routes.ts';
import { registeredRoutes, sampleRequests, TOP_LIST_VALUES } from './route-samples.ts';

/**
 * Project isolation over every route the query API registers: proj-a holds data, proj-b none.
 * Each route must show proj-a something (so the check can fail) and show proj-b nothing of it.
 * Routes are enumerated from the Hono app itself, so a new route is covered or fails here.
 */
let t: ApiTestApp;
beforeAll(async () => {
  t = await openApiTestApp(recentHourMsForApi());
});
afterAll(async () => t?.close());

/** Routes that hold no project data, each with the reason. */
const PUBLIC_ROUTES: Record<string, string> = {
  'GET /api/openapi.json': 'the API description, the same for every project',
};

/** True when a body carries data: a non-zero number or a non-empty array anywhere. */
function hasData(value: unknown): boolean {
  if (typeof value === 'number') return value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasData);
  return false;
}

describe('project isolation', () => {
  it('holds for every registered route', async () => {
    const ds = t.dataset;
    const routes = registeredRoutes(createQueryRoutes({ driver: t.driver }), '/api');
    expect(routes.length).toBeGreaterThanOrEqual(9);
    const values = { traceId: [ds.traces.a, ds.traces.b], sessionId: ['sess-1'], list: TOP_LIST_VALUES };
    const queries = { '/api/compare': 'dimension=model&a=gpt-4o&b=gpt-4o-mini' };
    // Strings only proj-a's data contains; a leak of any of them into proj-b's answer is a failure.
    const markers = [...Object.values(ds.traces), 'user-1', 'user-2', 'user-3', 'checkout', 'summarize', 'Parcel'];
    let checked = 0;
    for (const route of routes) {
      expect(route.method, route.path).toBe('GET');
      if (PUBLIC_ROUTES[`${route.method} ${route.path}`] !== undefined) continue;
      for (const url of sampleRequests(route, values, queries)) {
        const asA = await t.get(url, t.keyA);
        expect(asA.status, `A ${url}`).toBe(200);
        expect(hasData(await asA.json()), `A sees data at ${url}`).toBe(true);

        const asB = await t.get(url, t.keyB);
        expect([200, 404], `B ${url}`).toContain(asB.status);
        const text = await asB.text();
        if (asB.status === 200) expect(hasData(JSON.parse(text)), `B sees no data at ${url}: ${text}`).toBe(false);
        for (const marker of markers) if (!url.includes(marker)) expect(text, `B ${url}`).not.toContain(marker);

        expect((await t.get(url, null)).status, `no key ${url}`).toBe(401);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(routes.length);
  });
});
