import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { createCompareRoutes } from './compare.ts';
import type { QueryDeps } from './deps.ts';
import { createDiagnosticsRoutes } from './diagnostics.ts';
import { createMetricsRoutes } from './metrics.ts';
import { buildOpenApiDocument, registerOpenApi } from './openapi.ts';
import { createSessionTraceRoutes } from './sessions.ts';
import { createTopRoutes } from './top.ts';
import { createTraceRoutes } from './traces.ts';
import './openapi-key-routes.ts';

export type { QueryDeps } from './deps.ts';

/**
 * The read API, mounted at `/api` behind the project middleware: every handler reads
 * `c.get('projectId')` and passes it to a storage query that binds it as a parameter.
 */
export function createQueryRoutes(deps: QueryDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route('/traces', createTraceRoutes(deps));
  app.route('/sessions', createSessionTraceRoutes(deps));
  app.route('/metrics', createMetricsRoutes(deps));
  app.route('/top', createTopRoutes(deps));
  app.route('/compare', createCompareRoutes(deps));
  app.route('/diagnostics', createDiagnosticsRoutes(deps));
  // Built per request: other parts register their routes when their modules load, in any order.
  app.get('/openapi.json', (c) => c.json(buildOpenApiDocument({ version: deps.version ?? '0.0.0' })));
  return app;
}

registerOpenApi({ method: 'get', path: '/api/openapi.json', summary: 'This OpenAPI document', tags: ['meta'] });
