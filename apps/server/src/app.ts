import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { StorageError } from '@sightline/storage';
import type { AppEnv } from './app-env.ts';
import { requireProject } from './auth/middleware.ts';
import { createKeyRoutes, createSessionRoutes } from './auth/routes.ts';
import type { KeyStore } from './auth/key-store.ts';
import { createIngestRoutes, type IngestDeps } from './ingest/routes.ts';
import { AppError } from './ops/errors.ts';
import { errorMessage, type Logger } from './ops/log.ts';
import type { Metrics } from './ops/metrics.ts';
import type { PausableSink } from './ops/fault.ts';
import { createFaultRoutes, createOpsRoutes, type Readiness } from './ops/routes.ts';
import { serveViewer } from './ops/static.ts';
import { CONTENT_TYPE, RPC_CODE, rpcStatus } from './ingest/otlp-response.ts';

export type { AppEnv } from './app-env.ts';
export { AppError } from './ops/errors.ts';

export interface AppDeps extends IngestDeps {
  keys: KeyStore;
  registry: Metrics;
  logger: Logger;
  readiness: Readiness;
  /** True when the server listens on loopback only: /api then works without a key (default project). */
  allowLocalSession: boolean;
  /** Set only with fault injection enabled (tests, soak). */
  faultSink?: PausableSink;
  /** apps/viewer/dist, when built. */
  viewerDir?: string;
  /** Sub-apps of other parts, mounted under /api after authentication. */
  apiRoutes?: { path: string; app: Hono<AppEnv> }[];
}

/** The whole HTTP surface; no I/O happens here, main.ts builds the deps. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.route('/', createOpsRoutes({ metrics: deps.registry, readiness: deps.readiness }));
  if (deps.faultSink) app.route('/ops/fault', createFaultRoutes({ sink: deps.faultSink }));

  app.use('/v1/*', requireProject(deps.keys, { allowLocalSession: false, acceptCookie: false }));
  app.route('/v1', createIngestRoutes(deps));

  app.route('/api/session', createSessionRoutes({ keys: deps.keys }));
  app.use('/api/*', requireProject(deps.keys, { allowLocalSession: deps.allowLocalSession, acceptCookie: true }));
  app.route('/api/keys', createKeyRoutes({ keys: deps.keys, logger: deps.logger }));
  for (const { path, app: sub } of deps.apiRoutes ?? []) app.route(path, sub);

  if (deps.viewerDir) app.use('*', serveViewer(deps.viewerDir));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((err, c) => {
    if (err instanceof AppError) {
      if (err.retryAfterSeconds !== undefined) c.header('retry-after', String(err.retryAfterSeconds));
      if (c.req.path.startsWith('/v1/')) {
        // OTLP clients expect a google.rpc.Status in the encoding they sent, even for 401.
        const format = /protobuf/i.test(c.req.header('content-type') ?? '') ? 'protobuf' : 'json';
        const code = err.code === 'unauthorized' ? RPC_CODE.unauthenticated : RPC_CODE.invalidArgument;
        return c.body(rpcStatus(format, code, err.message) as string, err.status, { 'content-type': CONTENT_TYPE[format] });
      }
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
    if (err instanceof HTTPException) {
      return c.json({ error: { code: err.status === 401 ? 'unauthorized' : 'bad_request', message: err.message } }, err.status as ContentfulStatusCode);
    }
    if (err instanceof StorageError) {
      deps.logger.log('error', 'http.storage_error', { code: err.code, error: err.message, path: c.req.path });
      c.header('retry-after', '2');
      return c.json({ error: { code: 'unavailable', message: 'storage is unavailable; retry shortly' } }, 503);
    }
    deps.logger.log('error', 'http.unhandled', { error: errorMessage(err), path: c.req.path });
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  return app;
}
