import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { migrate, openDriver, storeConfigFromEnv, type Driver, type StoreConfig } from '@sightline/storage';
import { createApp } from './app.ts';
import { KeyStore } from './auth/key-store.ts';
import { isLoopbackHost, loadServerConfig, type ConfigResult, type ServerConfig } from './config.ts';
import { DurableIngest } from './ingest/durable-ingest.ts';
import { createAlertRoutes } from './alerts/routes.ts';
import { createAlertsContext } from './alerts/alerts-context.ts';
import { applyAlertsFile, loadAlertsFile } from './alerts/policy-file.ts';
import { startAlertScheduler, type AlertScheduler } from './alerts/scheduler.ts';
import { createQueryRoutes } from './api/routes.ts';
import { createCostEngine } from './cost/index.ts';
import type { Normaliser } from './ingest/to-rows.ts';
import { normaliseResourceSpans } from './normalise/index.ts';
import { pausableSink, type PausableSink } from './ops/fault.ts';
import { errorMessage, jsonLogger, type Logger } from './ops/log.ts';
import { createIngestMetrics, Metrics } from './ops/metrics.ts';
import { DeadLetterStore } from './spool/dead-letter.ts';
import { Spool } from './spool/spool.ts';
import { storageSink } from './spool/storage-sink.ts';
import { SpoolWriter } from './spool/writer.ts';

/**
 * The composition root: the only module that reads `process.env` and the only one that wires
 * concrete parts together. Everything below it takes its dependencies as arguments.
 */

export interface LoadedConfig {
  server: ServerConfig;
  store: StoreConfig;
}

/** Server + storage config from the environment and CLI flags; every bad key is named in `message`. */
export function loadConfig(flags: Partial<Record<keyof ServerConfig, string>>): { ok: true; config: LoadedConfig } | { ok: false; message: string } {
  const result: ConfigResult = loadServerConfig(process.env, flags);
  if (!result.ok) return result;
  try {
    const store = storeConfigFromEnv({ ...process.env, SIGHTLINE_DATA_DIR: join(result.config.dataDir, 'clickhouse') });
    return { ok: true, config: { server: result.config, store } };
  } catch (err) {
    return { ok: false, message: `✖ ${(err as Error).message}` };
  }
}

export interface RunningServer {
  url: string;
  port: number;
  /** The default project's key, only on the very first start (it is shown once). */
  bootstrapKey: string | null;
  spoolDir: string;
  storeDescription: string;
  allowLocalSession: boolean;
  faultSink: PausableSink | null;
  /** The open store (tests and benchmarks count rows through it). */
  driver: Driver;
  close(): Promise<void>;
}

export async function startServer(config: LoadedConfig, logger: Logger = jsonLogger(undefined, config.server.logLevel)): Promise<RunningServer> {
  const { server: cfg, store } = config;
  const driver = await openDriver(store);
  try {
    return await startWithDriver(driver, cfg, store, logger);
  } catch (err) {
    await driver.close();
    throw err;
  }
}

async function startWithDriver(driver: Driver, cfg: ServerConfig, store: StoreConfig, logger: Logger): Promise<RunningServer> {
  const migrated = await migrate(driver, { cluster: store.cluster, retentionDays: store.retentionDays });
  if (migrated.applied.length > 0) logger.log('info', 'storage.migrated', { applied: migrated.applied.join(',') });

  const keys = new KeyStore(driver, cfg.keyPepper, undefined, (err) => logger.log('warn', 'keys.usage_write_failed', { error: errorMessage(err) }));
  const boot = await keys.bootstrap(cfg.bootstrapKey);

  const spoolDir = cfg.spoolDir ?? join(cfg.dataDir, 'spool');
  const spool = new Spool(spoolDir);
  spool.open();
  if (spool.truncatedBytesOnOpen > 0) logger.log('warn', 'spool.torn_tail_truncated', { bytes: spool.truncatedBytesOnOpen });

  const registry = new Metrics();
  const metrics = createIngestMetrics(registry);
  const baseSink = storageSink(driver);
  const faultSink = cfg.faultInjection ? pausableSink(baseSink) : null;
  const sink = faultSink ?? baseSink;
  const deadLetters = new DeadLetterStore(join(spoolDir, 'dead-letter'));
  const writer = new SpoolWriter(spool, sink, deadLetters, metrics, logger, { maxBatchRows: cfg.insertBatchRows });
  const ingest = new DurableIngest(sink, spool, writer, deadLetters, metrics, logger, {
    flushRows: cfg.flushRows,
    flushDelayMs: cfg.flushDelayMs,
    insertTimeoutMs: cfg.insertTimeoutMs,
    spoolHighWaterBytes: cfg.spoolHighWaterMb * 1024 * 1024,
    maxQueuedRows: cfg.maxQueuedRows,
    maxInFlight: 1,
  });
  registry.gauge('sightline_spool_bytes', 'Bytes in the on-disk spool not yet committed to ClickHouse.', () => spool.pendingBytes());
  registry.gauge('sightline_writer_lag_seconds', 'Age of the oldest spooled batch not yet in ClickHouse.', () => writer.lagSeconds());
  registry.gauge('sightline_ingest_pending_rows', 'Rows accepted and waiting in memory for their insert.', () => ingest.pendingRows());
  registry.gauge('sightline_dead_letter_rows', 'Rows in the dead-letter file since start.', () => deadLetters.count);
  writer.start();

  // One price book per project (bundled table + prices file + the project's overrides), shared by
  // ingest, queries and /api/prices. A bad prices file stops start-up here, naming each bad key.
  const cost = await createCostEngine({ driver, pricesFile: cfg.pricesFile, cluster: store.cluster, logger });
  const books = cost.books;
  const normaliserFor = async (projectId: string): Promise<Normaliser> => {
    const priceBook = await books.get(projectId);
    return (rs) => normaliseResourceSpans(rs, { projectId, priceBook });
  };

  const alerts = createAlertsContext({
    driver,
    allowPrivateTargets: cfg.webhookAllowPrivate,
    ...(cfg.publicUrl ? { viewerBaseUrl: cfg.publicUrl } : {}),
    logger: {
      warn: (message, context) => logger.log('warn', 'alerts', { message, ...flatFields(context) }),
      info: (message, context) => logger.log('info', 'alerts', { message, ...flatFields(context) }),
    },
  });
  if (cfg.alertsFile) {
    const applied = await applyAlertsFile(alerts, await loadAlertsFile(cfg.alertsFile), alertsFileEnv());
    logger.log('info', 'alerts.file_applied', { file: cfg.alertsFile, rulesCreated: applied.rules.created.length, rulesUpdated: applied.rules.updated.length });
  }

  const allowLocalSession = isLoopbackHost(cfg.host);
  const viewerDir = cfg.viewerDir ?? defaultViewerDir();
  const app = createApp({
    ingest,
    normaliserFor,
    maxConcurrentRequests: cfg.maxConcurrentRequests,
    metrics,
    registry,
    logger,
    keys,
    allowLocalSession,
    readiness: {
      notReadyReason: async () => {
        if (writer.hasBacklog() && Date.now() - writer.lastProgressAt > cfg.readinessStallMs) {
          return `spool writer made no progress for ${Math.round((Date.now() - writer.lastProgressAt) / 1000)} s with ${spool.pendingBytes()} bytes pending`;
        }
        return null;
      },
    },
    ...(faultSink ? { faultSink } : {}),
    ...(viewerDir ? { viewerDir } : {}),
    apiRoutes: [
      { path: '/api/prices', app: cost.routes() },
      { path: '/api', app: createQueryRoutes({ driver, priceBookFor: (projectId) => books.get(projectId) }) },
      { path: '/api', app: createAlertRoutes(alerts) },
    ],
  });

  const scheduler: AlertScheduler | null = cfg.alertsEnabled ? startAlertScheduler(alerts) : null;
  let httpServer: ServerType;
  try {
    httpServer = await listen(app.fetch, cfg.port, cfg.host);
  } catch (err) {
    // e.g. the port is taken: stop the loops started above so the process can exit with the error.
    await scheduler?.stop();
    await writer.stop();
    spool.close();
    // Nobody saw the new default key: revoke it so the next start mints and shows another.
    if (boot.keyId) await keys.revokeKey(boot.projectId, boot.keyId);
    throw err;
  }
  const port = (httpServer.address() as AddressInfo).port;
  // Stored costs follow this release's price table and the prices file; may re-cost many spans.
  cost.reconcile().catch((err: unknown) => logger.log('error', 'prices.reconcile_failed', { error: errorMessage(err) }));
  const hostForUrl = cfg.host.includes(':') && !cfg.host.startsWith('[') ? `[${cfg.host}]` : cfg.host;
  logger.log('info', 'server.started', { host: cfg.host, port, spoolDir, localSession: allowLocalSession });

  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    bootstrapKey: boot.key,
    spoolDir,
    storeDescription: store.mode === 'embedded' ? `embedded chDB at ${store.dataDir ?? ''}` : `ClickHouse at ${redactUrl(store.url ?? '')}`,
    allowLocalSession,
    faultSink,
    driver,
    async close() {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
      (httpServer as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await closed;
      await scheduler?.stop();
      await ingest.close();
      await writer.stop();
      spool.close();
      await keys.close().catch((err: unknown) => logger.log('warn', 'keys.usage_write_failed', { error: errorMessage(err) }));
      await driver.close();
      logger.log('info', 'server.stopped', {});
    },
  };
}

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

function defaultViewerDir(): string | undefined {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'viewer', 'dist');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/** Alerts-file secrets are referenced by env var name (`secretEnv`); only this root may read them. */
function alertsFileEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

function flatFields(context: Record<string, unknown> | undefined): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(context ?? {})) {
    out[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}

/** A URL fit to print: credentials in it are dropped. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** The API key the CLI uses against a running server (`SIGHTLINE_API_KEY`). */
export function cliApiKey(): string | undefined {
  const v = process.env.SIGHTLINE_API_KEY;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
