import type { Migration } from './migration.ts';

/**
 * Projects and API keys (issue 4, owned by the server's auth part). Keys are stored only as HMAC
 * hashes. Both tables are small and mutable: a change inserts a row with a higher Version and
 * readers take FINAL.
 */
export const projectsKeysMigration: Migration = {
  id: '0100-projects-keys',
  description: 'projects and api_keys (hashed) for ingest and API authentication',
  up: (ctx) => [
    `CREATE TABLE IF NOT EXISTS ${ctx.table('projects')}${ctx.onCluster}
(
  Id String,
  Name String,
  CreatedAt DateTime64(3, 'UTC'),
  Deleted UInt8 DEFAULT 0,
  Version UInt64
)
ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')}
ORDER BY Id`,
    `CREATE TABLE IF NOT EXISTS ${ctx.table('api_keys')}${ctx.onCluster}
(
  Id String,
  ProjectId String,
  Name String,
  Prefix String,
  Hash String,
  CreatedAt DateTime64(3, 'UTC'),
  RevokedAt Nullable(DateTime64(3, 'UTC')),
  Version UInt64
)
ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')}
ORDER BY Id`,
  ],
};
