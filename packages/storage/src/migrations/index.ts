import type { Migration } from './migration.ts';
import { spansMigration } from './0001-spans.ts';
import { traceIndexMigration } from './0002-trace-index.ts';
import { rollupsMigration } from './0003-rollups.ts';
import { rollupProjectionsMigration } from './0004-rollup-projections.ts';
import { rollupModelProjectionsMigration } from './0005-rollup-model-projections.ts';
import { spansCompactPartsMigration } from './0006-spans-compact-parts.ts';
import { rollupEndpointConfigMigration } from './0007-rollup-endpoint-config.ts';
import { projectsKeysMigration } from './0100-projects-keys.ts';
import { apiKeyUsageMigration } from './0101-api-key-usage.ts';
import { priceOverridesMigration } from './0200-price-overrides.ts';
import { priceTableStateMigration } from './0201-price-table-state.ts';
import { priceFileStateMigration } from './0202-price-file-state.ts';
import { alertsLeaseMigration, alertsMigration } from './0300-alerts.ts';
import { queryColumnsMigration } from './0400-query-columns.ts';

/**
 * Every migration, in id order. Other parts append one line each for their metadata tables
 * (ingest/keys 0100–0199, pricing 0200–0299, alerts 0300–0399, queries 0400–0499).
 */
export const MIGRATIONS: Migration[] = [
  spansMigration,
  traceIndexMigration,
  rollupsMigration,
  rollupProjectionsMigration,
  rollupModelProjectionsMigration,
  spansCompactPartsMigration,
  rollupEndpointConfigMigration,
  projectsKeysMigration,
  apiKeyUsageMigration,
  priceOverridesMigration,
  priceTableStateMigration,
  priceFileStateMigration,
  alertsMigration,
  alertsLeaseMigration,
  queryColumnsMigration,
];
