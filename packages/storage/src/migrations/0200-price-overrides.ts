import type { Migration } from './migration.ts';

/**
 * Per-project price overrides (issue 5, owned by the cost part). `Body` is the validated override
 * as JSON (its shape lives in @sightline/pricing); Provider, Model and EffectiveFrom are copied out
 * for listing. A change or a deletion inserts a row with a higher Version; readers take FINAL.
 */
export const priceOverridesMigration: Migration = {
  id: '0200-price-overrides',
  description: 'price_overrides: per-project prices with an effective date',
  up: (ctx) => [
    `CREATE TABLE IF NOT EXISTS ${ctx.table('price_overrides')}${ctx.onCluster}
(
  ProjectId String,
  Id String,
  Provider String,
  Model String,
  EffectiveFrom DateTime64(3, 'UTC'),
  Body String,
  CreatedAt DateTime64(3, 'UTC'),
  UpdatedAt DateTime64(3, 'UTC'),
  Deleted UInt8 DEFAULT 0,
  Version UInt64
)
ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')}
ORDER BY (ProjectId, Id)`,
  ],
};
