export { StorageError, type StorageErrorCode } from './errors.ts';
export { DEFAULT_DATABASE, DEFAULT_RETENTION_DAYS, storeConfigFromEnv, type StoreConfig } from './config.ts';
export type { Driver } from './driver.ts';
export { openDriver } from './open-driver.ts';
export { LOCK_FILE_NAME } from './drivers/data-dir-lock.ts';
export { migrate, type MigrateResult } from './migrate.ts';
export { applyRetention } from './retention.ts';
export { MIGRATIONS } from './migrations/index.ts';
export type { Migration } from './migrations/migration.ts';
export { createMigrationContext, type MigrationContext, type MigrationContextOptions } from './migrations/context.ts';
export { MINUTELY_RETENTION_DAYS, ROLLUP_KEYS } from './migrations/rollup-sql.ts';
export {
  configureSpanDedup,
  forgetRecentSpanKeys,
  insertEncodedSpans,
  insertSpans,
  type InsertSpansResult,
} from './spans/insert-spans.ts';
export { SPAN_INSERT_COLUMNS, decodeSpanLine, encodeSpan, joinLines, spanRowFromJsonLine, type EncodedSpan } from './spans/encoded-span.ts';
export { CLOCK_SKEW_MS, type RecentSpanKeysOptions } from './spans/recent-span-keys.ts';
export { SPAN_ROW_SELECT, fromSpanSelectRow, toSpanInsertRow } from './spans/span-insert-row.ts';
export { rebuildRollups, type RebuildRollupsOptions } from './rollups.ts';
export { otelCollectorBridgeStatements, type OtelCollectorBridgeOptions } from './otel-collector-bridge.ts';
export { buildQueryDataset, compareSides, decodeCursor, encodeCursor, getSession, getTraceDetail, hexId, listTraces, makeSpanRow, MAX_BUCKETS, MAX_SERIES, MAX_SESSION_TRACES, queryIngestDiagnostics, queryMetrics, queryTopList, QueryError, RETRY_LOOP_MIN_CALLS, seedQueryDataset, type CompareOptions, type MetricKind, type QueryDataset, type QueryDriver, type QueryErrorCode, type TopListOptions, type TraceCursor } from './queries/index.ts';
