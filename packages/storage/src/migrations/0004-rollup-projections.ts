import type { Migration } from './migration.ts';
import { QUANTILES, ROLLUPS, ROLLUP_KEYS_V1, ROLLUP_SUMS, type RollupKey } from './rollup-sql.ts';

/**
 * An aggregate projection `name` of the rollup grouped by `keys` less UserId (the one dimension whose
 * cardinality approaches the spans' own), as `ADD PROJECTION` takes it.
 */
export function aggregateProjection(name: string, keys: readonly RollupKey[]): string {
  const coarse = keys.filter((key) => key !== 'UserId').join(', ');
  return `${name} (
  SELECT ${coarse},
    ${ROLLUP_SUMS.map((m) => `sum(${m})`).join(', ')},
    ${QUANTILES.replace('(', 'Merge(')}(DurationMsQuantiles),
    ${QUANTILES.replace('(', 'Merge(')}(TtftMsQuantiles),
    max(MaxTimestamp)
  GROUP BY ${coarse}
)`;
}

/**
 * With UserId in the rollup key, an hour holds about one row per (user, model, prompt, ...) and the
 * rollups grow almost as fast as the spans: p95-by-model over a week then merges a t-digest per span.
 * An aggregate projection without UserId gives the dashboards (which group by model, provider,
 * service, prompt, hour) a small table of their own; ClickHouse picks it automatically whenever a
 * query neither filters nor groups by UserId, so readers keep querying rollup_hourly/_minutely.
 */
export const rollupProjectionsMigration: Migration = {
  id: '0004-rollup-projections',
  description: 'aggregate projections without UserId on both rollups, for dashboard queries',
  up: (ctx) =>
    ROLLUPS.flatMap(({ table }) => {
      const target = `${ctx.localTable(table)}${ctx.onCluster}`;
      return [
        // Projections on aggregating engines must say how merges treat them (ClickHouse ≥ 24.8).
        `ALTER TABLE ${target} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild'`,
        `ALTER TABLE ${target} ADD PROJECTION IF NOT EXISTS ${aggregateProjection('without_user', ROLLUP_KEYS_V1)}`,
        `ALTER TABLE ${target} MATERIALIZE PROJECTION without_user SETTINGS mutations_sync = 2`,
      ];
    }),
};
