import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentHourMsForApi } from './api-test-hour.ts';
import { openApiTestApp, type ApiTestApp } from './api-test-app.ts';
import { registerOpenApi } from './openapi.ts';
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
