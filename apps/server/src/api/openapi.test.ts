import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentHourMsForApi } from './api-test-hour.ts';
import { openApiTestApp, type ApiTestApp } from './api-test-app.ts';
import { buildOpenApiDocument, registerOpenApi, registeredOpenApiRoutes } from './openapi.ts';
import { createQueryRoutes } from './routes.ts';
import { registeredRoutes } from './route-samples.ts';

let t: ApiTestApp;
beforeAll(async () => {
  t = await openApiTestApp(recentHourMsForApi());
});
afterAll(async () => t?.close());

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { parameters: { name: string; in: string; required: boolean }[]; responses: Record<string, unknown> }>>;
}

describe('GET /api/openapi.json', () => {
  it('documents every route the query API registers, with its parameters', async () => {
    const res = await t.get('/api/openapi.json', t.keyA);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of registeredRoutes(createQueryRoutes({ driver: t.driver }), '/api')) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
    }
    const list = doc.paths['/api/traces']!.get!;
    const byName = Object.fromEntries(list.parameters.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['from', 'model', 'q', 'attr', 'cursor', 'limit', 'sort']));
    expect(byName.limit).toMatchObject({ in: 'query', required: false });
    expect(doc.paths['/api/compare']!.get!.parameters.find((p) => p.name === 'dimension')).toMatchObject({ required: true });
    expect(doc.paths['/api/traces/{traceId}']!.get!.parameters).toEqual([expect.objectContaining({ name: 'traceId', in: 'path', required: true })]);
    expect(Object.keys(doc.paths['/api/traces/{traceId}']!.get!.responses)).toEqual(expect.arrayContaining(['200', '404']));
    // Routes other parts mount under /api are in the same document.
    expect(doc.paths['/api/keys']?.post).toBeDefined();
    expect(doc.paths['/api/keys/{id}']?.delete).toBeDefined();
  });

  it('builds from the registrations of every part (alerts, prices, keys) without losing one', async () => {
    // The composition root imports these; here they are imported for their registrations alone.
    await import('../alerts/routes.ts');
    await import('../cost/routes.ts');
    const doc = buildOpenApiDocument({ version: 'test' }) as unknown as Doc;
    const registered = registeredOpenApiRoutes();
    expect(registered.length).toBeGreaterThan(20);
    for (const route of registered) {
      expect(doc.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    }
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('takes routes other parts register with one call', async () => {
    const { z } = await import('zod');
    registerOpenApi({
      method: 'post',
      path: '/api/example/:id',
      summary: 'example',
      body: z.object({ name: z.string() }),
      response: z.object({ ok: z.boolean() }),
      status: 201,
    });
    const doc = (await (await t.get('/api/openapi.json', t.keyA)).json()) as Doc & { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const op = doc.paths['/api/example/{id}']!.post!;
    expect(op.requestBody).toBeDefined();
    expect(Object.keys(op.responses)).toContain('201');
  });
});
