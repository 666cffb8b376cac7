import { TOP_LISTS, TopListName, TopListQuery, TopListResponse } from '@sightline/contracts';
import { queryTopList } from '@sightline/storage';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import type { QueryDeps } from './deps.ts';
import { registerOpenApi } from './openapi.ts';
import { read, validQuery } from './validate.ts';

/** `/api/top/:list`: costliest users, prompts, traces and endpoints; slowest calls; retry loops; validation failures; unpriced models. */
export function createTopRoutes(deps: QueryDeps) {
  return new Hono<AppEnv>().get('/:list', validQuery(TopListQuery), async (c) => {
    const list = TopListName.safeParse(c.req.param('list'));
    if (!list.success) throw new AppError('not_found', `no top list '${c.req.param('list')}'; lists: ${TOP_LISTS.join(', ')}`);
    const query = c.req.valid('query');
    return c.json(await read(() => queryTopList(deps.driver, c.get('projectId'), list.data, query)));
  });
}

registerOpenApi({
  method: 'get',
  path: '/api/top/:list',
  summary: 'Top lists',
  description: `One of ${TOP_LISTS.join(', ')}. Rows carry a \`key\` and named values (costUsd, calls, durationMs, traceId, …). Retry loops are traces with ≥ 3 identical model calls (model, prompt, input) or ≥ 3 attempts of one sightline.call.key. Endpoints are traces' root spans per service (requests, failedRequests, costUsd, costPerRequestUsd). Window defaults to the last 7 days.`,
  tags: ['metrics'],
  query: TopListQuery,
  response: TopListResponse,
});
