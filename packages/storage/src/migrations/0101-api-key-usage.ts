import type { Migration } from './migration.ts';

/**
 * When each API key last authenticated a request. Servers append (key, time) rows about once a
 * minute for the keys they saw used, and readers take `max(LastUsedAt)` per key: no read-modify-
 * write, so several servers never race, and merges fold the rows.
 */
export const apiKeyUsageMigration: Migration = {
  id: '0101-api-key-usage',
  description: 'api_key_usage: last use of each API key',
  up: (ctx) => [
    `CREATE TABLE IF NOT EXISTS ${ctx.table('api_key_usage')}${ctx.onCluster}
(
  KeyId String,
  LastUsedAt SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = ${ctx.engine('AggregatingMergeTree')}
ORDER BY KeyId`,
  ],
};
