import type { Migration } from './migration.ts';
import { MINUTELY_RETENTION_DAYS, ROLLUPS, ROLLUP_COLUMNS_V1, ROLLUP_KEYS_V1, rollupSelect } from './rollup-sql.ts';

/**
 * Hourly and minutely rollups of spans for dashboards and alerts, fed by materialized views. Sums are
 * SimpleAggregateFunction(sum) and latency quantiles t-digest states, so readers aggregate with
 * `sum(...)` and `quantilesTDigestMerge(0.5, 0.95, 0.99)(...)` over any set of buckets. The keys are
 * those of the first release; migration 0007 adds the endpoint and the config version.
 */
export const rollupsMigration: Migration = {
  id: '0003-rollups',
  description: 'rollup_hourly and rollup_minutely aggregates fed by materialized views from spans',
  up: (ctx) =>
    ROLLUPS.flatMap(({ table, bucket }) => {
      const minutely = table === 'rollup_minutely';
      const days = minutely ? MINUTELY_RETENTION_DAYS : ctx.retentionDays;
      return [
        `CREATE TABLE IF NOT EXISTS ${ctx.localTable(table)}${ctx.onCluster}
(${ROLLUP_COLUMNS_V1}
)
ENGINE = ${ctx.engine('AggregatingMergeTree', { sharded: true })}
PARTITION BY ${minutely ? 'toDate(Bucket)' : 'toYYYYMM(Bucket)'}
ORDER BY (${ROLLUP_KEYS_V1.join(', ')})${ctx.ttl('Bucket', days)}
SETTINGS non_replicated_deduplication_window = 10000${minutely ? ', ttl_only_drop_parts = 1' : ''}`,
        ...ctx.distributed(table, 'cityHash64(ProjectId)'),
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${ctx.table(`${table}_mv`)}${ctx.onCluster}
TO ${ctx.localTable(table)} AS
${rollupSelect(bucket, ctx.localTable('spans'), '', ROLLUP_KEYS_V1)}`,
      ];
    }),
};
