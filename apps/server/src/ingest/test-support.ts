import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig, type ServerConfig } from '../config.ts';
import { startServer, type RunningServer } from '../main.ts';
import { silentLogger, type Logger } from '../ops/log.ts';

/**
 * The real server (real chDB, real HTTP on loopback, port 0) in a fresh temp directory, for tests and
 * benchmarks. chDB allows one data directory per process: one of these per test file.
 */
export interface TestServer extends RunningServer {
  key: string;
  dataDir: string;
  /** Rows in `spans` (FINAL: what readers see), optionally for one project. */
  countSpans(projectId?: string): Promise<number>;
  /** Distinct (ProjectId, TraceId, SpanId) rows vs all stored rows, to prove no duplicates. */
  duplicateCount(): Promise<number>;
}

export const TEST_BOOTSTRAP_KEY = 'sl_testbootstrapkey0000000000000000';

export async function startTestServer(flags: Partial<Record<keyof ServerConfig, string>> = {}, logger: Logger = silentLogger): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-test-'));
  const loaded = loadServerConfig({}, { port: '0', dataDir, bootstrapKey: TEST_BOOTSTRAP_KEY, ...flags });
  if (!loaded.ok) throw new Error(loaded.message);
  const server = await startServer(
    { server: loaded.config, store: { mode: 'embedded', dataDir: join(dataDir, 'clickhouse'), retentionDays: 0 } },
    logger,
  );
  return {
    ...server,
    key: TEST_BOOTSTRAP_KEY,
    dataDir,
    async countSpans(projectId) {
      const rows = await server.driver.query<{ n: number }>(
        projectId === undefined ? 'SELECT count() AS n FROM spans' : 'SELECT count() AS n FROM spans WHERE ProjectId = {p:String}',
        projectId === undefined ? undefined : { p: projectId },
      );
      return Number(rows[0]?.n ?? 0);
    },
    async duplicateCount() {
      const rows = await server.driver.query<{ n: number; u: number }>('SELECT count() AS n, uniqExact(ProjectId, TraceId, SpanId) AS u FROM spans');
      return Number(rows[0]?.n ?? 0) - Number(rows[0]?.u ?? 0);
    },
    async close() {
      await server.close();
      // chDB may still be finishing background work on its files: retry the removal for a while,
      // and leave a temp dir behind rather than fail a test over cleanup.
      await rm(dataDir, { recursive: true, force: true, maxRetries: 30, retryDelay: 200 }).catch((err: unknown) => {
        console.warn(`could not remove ${dataDir}: ${(err as Error).message}`);
      });
    },
  };
}
