import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from '../driver.ts';
import { openChdbDriver } from '../drivers/chdb-driver.ts';
import { migrate } from '../migrate.ts';

/** A migrated embedded store in a fresh temp directory (chDB: one data directory per process). */
export async function openQueryTestStore(): Promise<{ driver: Driver; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-queries-'));
  const driver = await openChdbDriver(dir, 'sightline');
  await migrate(driver);
  return {
    driver,
    async close() {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An hour boundary three hours back: inside every retention, including the per-minute rollup's. */
export function recentHourMs(now = Date.now()): number {
  return Math.floor(now / 3_600_000) * 3_600_000 - 3 * 3_600_000;
}
