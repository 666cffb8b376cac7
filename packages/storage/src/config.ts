import { homedir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from './errors.ts';

export interface StoreConfig {
  /** `embedded` runs chDB in-process on `dataDir`; `server` talks to ClickHouse over HTTP at `url`. */
  mode: 'embedded' | 'server';
  dataDir?: string;
  url?: string;
  user?: string;
  password?: string;
  /** Database holding every Sightline table. Default `sightline`. */
  database?: string;
  /** When set, DDL runs `ON CLUSTER` with Replicated engines and Distributed tables. */
  cluster?: string;
  /** Days raw spans and hourly rollups are kept; 0 or unset keeps them forever. */
  retentionDays?: number;
}

export const DEFAULT_DATABASE = 'sightline';
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * Reads the storage settings from the environment (only the composition root should pass
 * `process.env`). Server mode iff `CLICKHOUSE_URL` is set. Throws INVALID_ARGUMENT naming the key on
 * a bad value rather than guessing.
 */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv): StoreConfig {
  const url = nonEmpty(env.CLICKHOUSE_URL);
  const retentionText = nonEmpty(env.SIGHTLINE_RETENTION_DAYS);
  let retentionDays = DEFAULT_RETENTION_DAYS;
  if (retentionText !== undefined) {
    retentionDays = Number(retentionText);
    if (!Number.isInteger(retentionDays) || retentionDays < 0) {
      throw new StorageError(
        'INVALID_ARGUMENT',
        `SIGHTLINE_RETENTION_DAYS must be a whole number of days ≥ 0 (0 keeps data forever), got "${retentionText}"`,
      );
    }
  }
  const config: StoreConfig = { mode: url === undefined ? 'embedded' : 'server', retentionDays };
  const database = nonEmpty(env.CLICKHOUSE_DATABASE);
  if (database !== undefined) config.database = assertIdentifier(database, 'CLICKHOUSE_DATABASE');
  const cluster = nonEmpty(env.CLICKHOUSE_CLUSTER);
  if (cluster !== undefined) config.cluster = assertIdentifier(cluster, 'CLICKHOUSE_CLUSTER');
  if (url !== undefined) {
    try {
      new URL(url);
    } catch (cause) {
      throw new StorageError('INVALID_ARGUMENT', `CLICKHOUSE_URL is not a URL: "${url}"`, { cause });
    }
    config.url = url;
    const user = nonEmpty(env.CLICKHOUSE_USER);
    if (user !== undefined) config.user = user;
    if (env.CLICKHOUSE_PASSWORD !== undefined) config.password = env.CLICKHOUSE_PASSWORD;
  } else {
    config.dataDir = nonEmpty(env.SIGHTLINE_DATA_DIR) ?? join(homedir(), '.sightline', 'data');
  }
  return config;
}

/** Database and cluster names are spliced into DDL, so they must be plain identifiers. */
export function assertIdentifier(value: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(value)) {
    throw new StorageError('INVALID_ARGUMENT', `${what} must match [A-Za-z_][A-Za-z0-9_]*, got "${value}"`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
