import { Hono } from 'hono';
import { z } from 'zod';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../app-env.ts';
import type { Metrics } from './metrics.ts';
import type { PausableSink } from './fault.ts';

export interface Readiness {
  /** Null when ready, else why not. */
  notReadyReason(): Promise<string | null>;
}

/** `/healthz` (the process answers), `/readyz` (it can take and store data), `/metrics` (Prometheus). */
export function createOpsRoutes(deps: { metrics: Metrics; readiness: Readiness }) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const reason = await deps.readiness.notReadyReason();
      return reason === null ? c.json({ status: 'ready' }) : c.json({ status: 'not_ready', reason }, 503);
    })
    .get('/metrics', (c) => c.text(deps.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
}

const FaultBody = z.object({ paused: z.boolean().optional(), delayMs: z.number().int().min(0).max(600_000).optional() });

/** `POST /ops/fault/storage {"paused": true, "delayMs": 0}`: mounted only when fault injection is enabled. */
export function createFaultRoutes(deps: { sink: PausableSink }) {
  return new Hono<AppEnv>().post('/storage', zValidator('json', FaultBody), (c) => {
    const body = c.req.valid('json');
    if (body.paused !== undefined) deps.sink.paused = body.paused;
    if (body.delayMs !== undefined) deps.sink.delayMs = body.delayMs;
    return c.json({ paused: deps.sink.paused, delayMs: deps.sink.delayMs });
  });
}
