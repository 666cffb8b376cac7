import type { Driver } from './driver.ts';
import { StorageError, describeCause } from './errors.ts';
import type { MigrationContext } from './migrations/context.ts';

/** Tables whose TTL follows the retention setting, with the expression their TTL counts from. */
const RETAINED = [
  { table: 'spans', expr: 'toDateTime(Timestamp)' },
  { table: 'trace_index', expr: 'toDateTime(End)' },
  { table: 'rollup_hourly', expr: 'Bucket' },
] as const;

/**
 * Brings the TTLs of existing tables in line with `ctx.retentionDays` (migrations set them only at
 * creation, so a changed SIGHTLINE_RETENTION_DAYS would otherwise be ignored). Returns the tables
 * changed. Shortening retention deletes the older data when ClickHouse next materialises the TTL.
 */
export async function applyRetention(driver: Driver, ctx: MigrationContext): Promise<string[]> {
  const local = (table: string): string => (ctx.cluster === undefined ? table : `${table}_local`);
  const tables = await driver.query<{ name: string; create: string }>(
    `SELECT name, create_table_query AS create FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}`,
    { db: ctx.database, names: RETAINED.map(({ table }) => local(table)) },
  );
  const changed: string[] = [];
  for (const { table, expr } of RETAINED) {
    const create = tables.find((t) => t.name === local(table))?.create;
    if (create === undefined) continue;
    const current = /\bTTL\b[^\n]*?toIntervalDay\((\d+)\)/.exec(create)?.[1];
    const currentDays = current === undefined ? 0 : Number(current);
    if (currentDays === ctx.retentionDays) continue;
    const target = `\`${ctx.database}\`.\`${local(table)}\`${ctx.onCluster}`;
    const change = ctx.retentionDays > 0 ? `MODIFY${ctx.ttl(expr)}` : 'REMOVE TTL';
    try {
      await driver.command(`ALTER TABLE ${target} ${change}`);
    } catch (cause) {
      throw new StorageError('MIGRATION_FAILED', `could not change the retention of ${table} to ${ctx.retentionDays} days: ${describeCause(cause)}`, { cause });
    }
    changed.push(table);
  }
  return changed;
}
