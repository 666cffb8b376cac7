import { MetricsQuery, MetricsResponse } from '@sightline/contracts';
import { queryMetrics, type MetricKind } from '@sightline/storage';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { QueryDeps } from './deps.ts';
import { registerOpenApi } from './openapi.ts';
import { read, validQuery } from './validate.ts';

const DESCRIPTIONS: Record<MetricKind, string> = {
  spend: 'Cost (USD), calls and tokens of model calls per bucket. Points: costUsd, calls, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, unpricedCalls.',
  failures: 'Calls, errors, errorRate and one count per failure class per bucket (model, embedding, tool and retrieval calls).',
  latency: 'p50/p95/p99 of duration and time to first token, and output tokens per second, of model calls per bucket.',
};

/** `/api/metrics/{spend,failures,latency}`: served from the rollups, never from raw spans. */
export function createMetricsRoutes(deps: QueryDeps) {
  const app = new Hono<AppEnv>();
  for (const kind of Object.keys(DESCRIPTIONS) as MetricKind[]) {
    app.get(`/${kind}`, validQuery(MetricsQuery), async (c) => {
      const query = c.req.valid('query');
      return c.json(await read(() => queryMetrics(deps.driver, c.get('projectId'), kind, query)));
    });
  }
  return app;
}

for (const [kind, description] of Object.entries(DESCRIPTIONS)) {
  registerOpenApi({
    method: 'get',
    path: `/api/metrics/${kind}`,
    summary: `${kind[0]!.toUpperCase()}${kind.slice(1)} over time`,
    description: `${description} One series per group (top 20 by volume) with groupBy, each with every bucket of the window (at most 3,000); totals cover every group. Window defaults to the last 24 hours; minute buckets come from the per-minute rollup (kept 3 days).`,
    tags: ['metrics'],
    query: MetricsQuery,
    response: MetricsResponse,
  });
}
