import { TraceDetailResponse, TraceListQuery, TraceListResponse } from '@sightline/contracts';
import { createPriceBook } from '@sightline/pricing';
import { getTraceDetail, listTraces } from '@sightline/storage';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import { withCostExplanations } from './cost-explanation.ts';
import type { QueryDeps } from './deps.ts';
import { registerOpenApi } from './openapi.ts';
import { read, validQuery } from './validate.ts';

/** OTel trace ids are 16 bytes; other converters send them upper-case, storage keeps lower-case hex. */
const TRACE_ID = /^[0-9a-fA-F]{32}$/;

/** `/api/traces`: the filtered, paginated trace list and one trace with all its spans. */
export function createTraceRoutes(deps: QueryDeps) {
  return new Hono<AppEnv>()
    .get('/', validQuery(TraceListQuery), async (c) => {
      const query = c.req.valid('query');
      return c.json(await read(() => listTraces(deps.driver, c.get('projectId'), query)));
    })
    .get('/:traceId', async (c) => {
      const raw = c.req.param('traceId');
      if (!TRACE_ID.test(raw)) throw new AppError('bad_request', 'traceId must be 32 hexadecimal characters');
      const projectId = c.get('projectId');
      const detail = await read(() => getTraceDetail(deps.driver, projectId, raw.toLowerCase()));
      if (detail === null) throw new AppError('not_found', `no trace ${raw} in this project`);
      const book = deps.priceBookFor === undefined ? bundledBook() : await deps.priceBookFor(projectId);
      return c.json(withCostExplanations(detail, book));
    });
}

let bundled: ReturnType<typeof createPriceBook> | undefined;
function bundledBook() {
  bundled ??= createPriceBook();
  return bundled;
}

registerOpenApi({
  method: 'get',
  path: '/api/traces',
  summary: 'List traces',
  description:
    'Traces starting in [from, to) (default: the last 7 days). Span-level filters (model, prompt, user, q, attr, …) match when one span satisfies them all; the summary covers every span of the trace. Pages with an opaque `nextCursor`.',
  tags: ['traces'],
  query: TraceListQuery,
  response: TraceListResponse,
});
registerOpenApi({
  method: 'get',
  path: '/api/traces/:traceId',
  summary: 'One trace with all its spans, inputs, outputs and cost explanations',
  tags: ['traces'],
  response: TraceDetailResponse,
});
