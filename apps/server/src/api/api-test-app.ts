import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPriceBook } from '@sightline/pricing';
import { migrate, openDriver, seedQueryDataset, type Driver, type QueryDataset } from '@sightline/storage';
import { createApp } from '../app.ts';
import { KeyStore } from '../auth/key-store.ts';
import { DurableIngest } from '../ingest/durable-ingest.ts';
import { normaliseResourceSpans } from '../normalise/index.ts';
import { silentLogger } from '../ops/log.ts';
import { createIngestMetrics, Metrics } from '../ops/metrics.ts';
import { DeadLetterStore } from '../spool/dead-letter.ts';
import { Spool } from '../spool/spool.ts';
import { storageSink } from '../spool/storage-sink.ts';
import { SpoolWriter } from '../spool/writer.ts';
import { createQueryRoutes } from './routes.ts';

/**
 * The real app (createApp with the real key middleware, error mapping and the query routes) on a
 * fresh embedded store, with two projects: `proj-a` seeded with the query dataset, `proj-b` empty.
 * Tests call `app.request()`; one per test file (chDB: one data directory per process).
 */
export interface ApiTestApp {
  app: ReturnType<typeof createApp>;
  driver: Driver;
  dataset: QueryDataset;
  keyA: string;
  keyB: string;
  get(path: string, key: string | null): Promise<Response>;
  close(): Promise<void>;
}

export async function openApiTestApp(hourMs: number): Promise<ApiTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-api-'));
  const driver = await openDriver({ mode: 'embedded', dataDir: join(dir, 'clickhouse') });
  await migrate(driver);
  const keys = new KeyStore(driver, 'test-pepper');
  await keys.createProject('proj-a', 'A');
  await keys.createProject('proj-b', 'B');
  const keyA = (await keys.createKey('proj-a', 'test')).key;
  const keyB = (await keys.createKey('proj-b', 'test')).key;
  const dataset = await seedQueryDataset(driver, 'proj-a', hourMs);

  // Ingest is wired as main.ts wires it so createApp gets its real dependencies; these tests only read.
  const registry = new Metrics();
  const metrics = createIngestMetrics(registry);
  const spool = new Spool(join(dir, 'spool'));
  spool.open();
  const sink = storageSink(driver);
  const deadLetters = new DeadLetterStore(join(dir, 'spool', 'dead-letter'));
  const writer = new SpoolWriter(spool, sink, deadLetters, metrics, silentLogger);
  const ingest = new DurableIngest(sink, spool, writer, deadLetters, metrics, silentLogger, {
    flushRows: 1000, flushDelayMs: 10, insertTimeoutMs: 10_000, spoolHighWaterBytes: 64 * 1024 * 1024, maxQueuedRows: 10_000, maxInFlight: 2,
  });
  const book = createPriceBook();
  const app = createApp({
    ingest, normaliserFor: (projectId) => (rs) => normaliseResourceSpans(rs, { projectId, priceBook: book }), metrics, registry, logger: silentLogger, keys, allowLocalSession: false,
    readiness: { notReadyReason: async () => null },
    apiRoutes: [{ path: '/api', app: createQueryRoutes({ driver, priceBookFor: () => book, version: 'test' }) }],
  });
  return {
    app, driver, dataset, keyA, keyB,
    get: (path, key) => Promise.resolve(app.request(path, key === null ? {} : { headers: { authorization: `Bearer ${key}` } })),
    async close() {
      await ingest.close();
      await writer.stop();
      spool.close();
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
