import { DEFAULT_DATABASE, assertIdentifier, type StoreConfig } from './config.ts';
import type { Driver } from './driver.ts';
import { StorageError } from './errors.ts';
import { openChdbDriver } from './drivers/chdb-driver.ts';
import { openServerDriver } from './drivers/server-driver.ts';

/**
 * Opens the configured store. Embedded mode locks the data directory for this process and loads the
 * optional chdb package only then; server mode pings first so a bad URL fails at start-up.
 */
export async function openDriver(config: StoreConfig): Promise<Driver> {
  const database = assertIdentifier(config.database ?? DEFAULT_DATABASE, 'database');
  if (config.mode === 'embedded') {
    if (config.dataDir === undefined || config.dataDir === '') {
      throw new StorageError('INVALID_ARGUMENT', 'embedded mode needs a dataDir (SIGHTLINE_DATA_DIR)');
    }
    return openChdbDriver(config.dataDir, database);
  }
  if (config.url === undefined || config.url === '') {
    throw new StorageError('INVALID_ARGUMENT', 'server mode needs a url (CLICKHOUSE_URL)');
  }
  return openServerDriver({
    url: config.url,
    database,
    ...(config.user === undefined ? {} : { user: config.user }),
    ...(config.password === undefined ? {} : { password: config.password }),
    ...(config.cluster === undefined ? {} : { cluster: config.cluster }),
  });
}
