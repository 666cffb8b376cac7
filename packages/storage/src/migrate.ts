import type { Driver } from './driver.ts';
import { StorageError, describeCause } from './errors.ts';
import { createMigrationContext, type MigrationContext, type MigrationContextOptions } from './migrations/context.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { applyRetention } from './retention.ts';
import type { Migration } from './migrations/migration.ts';

export interface MigrateResult {
  applied: string[];
  skipped: string[];
  /** Tables whose TTL was changed to the configured retention. */
  retentionChanged?: string[];
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in id order.
 *
 * Safe to run from several processes at once: embedded mode is serialised by the data-directory
 * lock; on a server every statement is idempotent (`IF NOT EXISTS`) and `schema_migrations` is a
 * ReplacingMergeTree read with FINAL, so two processes applying the same step converge to one row.
 *
 * When a retention is given (a full context, or `retentionDays` in the options), the TTLs of existing
 * tables are brought in line with it afterwards.
 */
export async function migrate(
  driver: Driver,
  ctxOrOptions: MigrationContext | MigrationContextOptions = {},
  migrations: Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  const ctx = 'engine' in ctxOrOptions ? ctxOrOptions : createMigrationContext({ database: driver.database, ...ctxOrOptions });
  assertOrdered(migrations);
  const ledger = ctx.table('schema_migrations');
  await run(driver, 'schema_migrations', `CREATE DATABASE IF NOT EXISTS \`${ctx.database}\`${ctx.onCluster}`);
  await run(
    driver,
    'schema_migrations',
    `CREATE TABLE IF NOT EXISTS ${ledger}${ctx.onCluster}
(
  Id String,
  Description String,
  Statements UInt32,
  AppliedAt DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ${ctx.engine('ReplacingMergeTree(AppliedAt)')}
ORDER BY Id`,
  );
  const done = new Set(
    (await driver.query<{ Id: string }>(`SELECT Id FROM ${ledger} FINAL`)).map((row) => row.Id),
  );
  const result: MigrateResult = { applied: [], skipped: [] };
  for (const migration of migrations) {
    if (done.has(migration.id)) {
      result.skipped.push(migration.id);
      continue;
    }
    let statements: string[];
    try {
      statements = migration.up(ctx);
    } catch (cause) {
      throw new StorageError('MIGRATION_FAILED', `migration ${migration.id} could not build its DDL: ${describeCause(cause)}`, { cause });
    }
    for (const [index, sql] of statements.entries()) {
      await run(driver, `${migration.id} (statement ${index + 1} of ${statements.length})`, sql);
    }
    try {
      await driver.insert(`${ctx.database}.schema_migrations`, [{ Id: migration.id, Description: migration.description, Statements: statements.length }]);
    } catch (cause) {
      throw new StorageError('MIGRATION_FAILED', `migration ${migration.id} ran but could not be recorded: ${describeCause(cause)}`, { cause });
    }
    result.applied.push(migration.id);
  }
  const retentionGiven = 'engine' in ctxOrOptions || ctxOrOptions.retentionDays !== undefined;
  if (retentionGiven) {
    const changed = await applyRetention(driver, ctx);
    if (changed.length > 0) result.retentionChanged = changed;
  }
  return result;
}

async function run(driver: Driver, what: string, sql: string): Promise<void> {
  try {
    await driver.command(sql);
  } catch (cause) {
    throw new StorageError('MIGRATION_FAILED', `migration ${what} failed: ${describeCause(cause)}`, { cause });
  }
}

function assertOrdered(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    const previous = migrations[i - 1]?.id ?? '';
    const current = migrations[i]?.id ?? '';
    if (current <= previous) {
      throw new StorageError('MIGRATION_FAILED', `migration ids must be unique and ascending: "${current}" follows "${previous}"`);
    }
  }
}
