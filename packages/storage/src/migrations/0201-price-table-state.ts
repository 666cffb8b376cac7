import type { Migration } from './migration.ts';

/**
 * Which bundled price table this database's stored costs reflect (issue 5, owned by the cost part).
 * When a release ships a newer table, the server re-costs what it changed and records the new date.
 */
export const priceTableStateMigration: Migration = {
  id: '0201-price-table-state',
  description: 'price_table_state: the bundled price table date stored costs reflect',
  up: (ctx) => [
    `CREATE TABLE IF NOT EXISTS ${ctx.table('price_table_state')}${ctx.onCluster}
(
  Id String,
  TableDate String,
  AppliedAt DateTime64(3, 'UTC'),
  Version UInt64
)
ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')}
ORDER BY Id`,
  ],
};
