import type { Driver } from './driver.ts';
import { StorageError, describeCause } from './errors.ts';
import { ROLLUPS, rollupSelect } from './migrations/rollup-sql.ts';

export interface RebuildRollupsOptions {
  /** Cluster name when the rollups are Replicated tables behind Distributed ones. */
  cluster?: string;
}

/**
 * Recomputes both rollups for every hour of `projectId` touching [fromIso, toIso) from the raw spans
 * (read with FINAL, so a duplicate that slipped past ingest is counted once). Re-costing calls it
 * after updating CostNanos.
 *
 * The old buckets are deleted synchronously, then re-aggregated from spans ingested before the
 * delete began; spans arriving meanwhile reach the rollups through the views as usual.
 */
export async function rebuildRollups(
  driver: Driver,
  projectId: string,
  fromIso: string,
  toIso: string,
  opts: RebuildRollupsOptions = {},
): Promise<void> {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
    throw new StorageError('INVALID_ARGUMENT', `rebuildRollups needs ISO times with from < to, got "${fromIso}" and "${toIso}"`);
  }
  const hour = 3_600_000;
  const params = {
    projectId,
    fromHour: Math.floor(from / hour) * (hour / 1000),
    toHour: Math.ceil(to / hour) * (hour / 1000),
  };
  const range = `ProjectId = {projectId:String} AND Bucket >= toDateTime({fromHour:UInt32}, 'UTC') AND Bucket < toDateTime({toHour:UInt32}, 'UTC')`;
  try {
    const [{ startedAt } = { startedAt: '' }] = await driver.query<{ startedAt: string }>(
      `SELECT toString(toUnixTimestamp64Milli(now64(3))) AS startedAt`,
    );
    for (const { table } of ROLLUPS) {
      const onCluster = opts.cluster === undefined ? '' : ` ON CLUSTER \`${opts.cluster}\``;
      const local = opts.cluster === undefined ? table : `${table}_local`;
      await driver.command(`ALTER TABLE ${local}${onCluster} DELETE WHERE ${range} SETTINGS mutations_sync = 2`, params);
    }
    for (const { table, bucket } of ROLLUPS) {
      const where =
        `ProjectId = {projectId:String} AND Timestamp >= toDateTime64({fromHour:UInt32}, 9, 'UTC') ` +
        `AND Timestamp < toDateTime64({toHour:UInt32}, 9, 'UTC') ` +
        `AND IngestedAt < fromUnixTimestamp64Milli({startedAt:Int64}, 'UTC')`;
      await driver.command(`INSERT INTO ${table} ${rollupSelect(bucket, 'spans FINAL', where)}`, { ...params, startedAt });
    }
  } catch (cause) {
    throw new StorageError('QUERY_FAILED', `rebuilding rollups of project ${projectId} failed: ${describeCause(cause)}`, { cause });
  }
}
