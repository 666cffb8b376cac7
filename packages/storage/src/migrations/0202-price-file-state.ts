import type { Migration } from './migration.ts';

/**
 * `price_table_state.Body`: the prices file's overrides as last applied to stored spans (issue 5,
 * cost part), so a server restarted with a changed file re-costs exactly what changed.
 */
export const priceFileStateMigration: Migration = {
  id: '0202-price-file-state',
  description: 'price_table_state.Body: the prices file last applied',
  up: (ctx) => [`ALTER TABLE ${ctx.table('price_table_state')}${ctx.onCluster} ADD COLUMN IF NOT EXISTS Body String DEFAULT ''`],
};
