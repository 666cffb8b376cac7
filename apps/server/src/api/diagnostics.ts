import { IngestDiagnosticsQuery, IngestDiagnosticsResponse } from '@sightline/contracts';
import { queryIngestDiagnostics } from '@sightline/storage';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { QueryDeps } from './deps.ts';
import { registerOpenApi } from './openapi.ts';
import { read, validQuery } from './validate.ts';

/** `/api/diagnostics/ingest`: what ingest recognised, per service × convention × diagnostic. */
export function createDiagnosticsRoutes(deps: QueryDeps) {
  return new Hono<AppEnv>().get('/ingest', validQuery(IngestDiagnosticsQuery), async (c) => {
    const query = c.req.valid('query');
    return c.json(await read(() => queryIngestDiagnostics(deps.driver, c.get('projectId'), query)));
  });
}

registerOpenApi({
  method: 'get',
  path: '/api/diagnostics/ingest',
  summary: 'Ingest diagnostics',
  description: "Span counts per service, recognised convention and diagnostic (diagnostic '' counts clean spans). Window defaults to the last 7 days.",
  tags: ['diagnostics'],
  query: IngestDiagnosticsQuery,
  response: IngestDiagnosticsResponse,
});
