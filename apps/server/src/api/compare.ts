import { CompareQuery, CompareResponse } from '@sightline/contracts';
import { compareSides } from '@sightline/storage';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { QueryDeps } from './deps.ts';
import { registerOpenApi } from './openapi.ts';
import { read, validQuery } from './validate.ts';

/** `/api/compare`: two models or two prompt versions side by side over one window. */
export function createCompareRoutes(deps: QueryDeps) {
  return new Hono<AppEnv>().get('/', validQuery(CompareQuery), async (c) => {
    const query = c.req.valid('query');
    return c.json(await read(() => compareSides(deps.driver, c.get('projectId'), query)));
  });
}

registerOpenApi({
  method: 'get',
  path: '/api/compare',
  summary: 'Compare two models or two prompt versions',
  description: 'Cost per call, latency, failure rate and tokens of model calls over the same window (default: the last 7 days), from the hourly rollup. For promptVersion, give promptName or write a and b as name@version.',
  tags: ['metrics'],
  query: CompareQuery,
  response: CompareResponse,
});
