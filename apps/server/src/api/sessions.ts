import { SessionResponse } from '@sightline/contracts';
import { getSession } from '@sightline/storage';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import type { QueryDeps } from './deps.ts';
import { registerOpenApi } from './openapi.ts';
import { read } from './validate.ts';

/** `/api/sessions/:sessionId`: a conversation's traces in order. */
export function createSessionTraceRoutes(deps: QueryDeps) {
  return new Hono<AppEnv>().get('/:sessionId', async (c) => {
    const sessionId = c.req.param('sessionId');
    if (sessionId.length > 512) throw new AppError('bad_request', 'sessionId is longer than 512 characters');
    const session = await read(() => getSession(deps.driver, c.get('projectId'), sessionId));
    if (session === null) throw new AppError('not_found', 'no such session in this project');
    return c.json(session);
  });
}

registerOpenApi({
  method: 'get',
  path: '/api/sessions/:sessionId',
  summary: "A session's traces in start order (at most 1,000; `truncated` says when there are more)",
  tags: ['traces'],
  response: SessionResponse,
});
