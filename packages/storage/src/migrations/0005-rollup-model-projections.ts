import type { Migration } from './migration.ts';
import { QUANTILES, ROLLUPS, ROLLUP_SUMS } from './rollup-sql.ts';

/** The keys of the most common dashboard cuts: by model, provider, service and environment. */
const MODEL_KEYS = ['ProjectId', 'Bucket', 'Environment', 'ServiceName', 'Provider', 'Model'];

/**
 * A second, smaller projection for the model-level charts (spend, error rate, p95 by model): with
 * prompts, span classes and failure classes folded in, a week holds a few t-digests per model and
 * hour instead of dozens, which is what the p95 query spends its time merging. ClickHouse picks the
 * smallest projection that can answer a query, so finer cuts still use `without_user`.
 */
export const rollupModelProjectionsMigration: Migration = {
  id: '0005-rollup-model-projections',
  description: 'aggregate projections by model/provider/service/environment on both rollups',
  up: (ctx) =>
    ROLLUPS.flatMap(({ table }) => {
      const target = `${ctx.localTable(table)}${ctx.onCluster}`;
      return [
        `ALTER TABLE ${target} ADD PROJECTION IF NOT EXISTS by_model (
  SELECT ${MODEL_KEYS.join(', ')},
    ${ROLLUP_SUMS.map((m) => `sum(${m})`).join(', ')},
    ${QUANTILES.replace('(', 'Merge(')}(DurationMsQuantiles),
    ${QUANTILES.replace('(', 'Merge(')}(TtftMsQuantiles),
    max(MaxTimestamp)
  GROUP BY ${MODEL_KEYS.join(', ')}
)`,
        `ALTER TABLE ${target} MATERIALIZE PROJECTION by_model SETTINGS mutations_sync = 2`,
      ];
    }),
};
