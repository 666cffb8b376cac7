import type { Session } from 'chdb';
import { StorageError, describeCause } from '../errors.ts';
import { LINE_INSERT_SETTINGS, QUERY_SETTINGS, assertTableName, insertSettings, type Driver } from '../driver.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';

/**
 * Embedded ClickHouse through chDB's session API. Inserts hand chDB one JSONEachRow buffer per batch
 * (the engine parses it natively): about twice the rate of going through @clickhouse/client and
 * chdb/connection, which JSON-encodes rows one by one (see FIELD-NOTES).
 */
export async function openChdbDriver(dataDir: string, database: string): Promise<Driver> {
  const release = acquireDataDirLock(dataDir);
  let session: Session;
  try {
    // Dynamic so server-mode installs without the optional native dependency still work.
    const chdb = await import('chdb');
    session = new chdb.Session(dataDir);
  } catch (cause) {
    release();
    const missing = (cause as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    throw new StorageError(
      missing ? 'DRIVER_UNAVAILABLE' : 'DATA_DIR_UNUSABLE',
      missing
        ? 'embedded mode needs the optional "chdb" package (Linux or macOS); install it or set CLICKHOUSE_URL'
        : `cannot open the embedded database in ${dataDir}: ${describeCause(cause)}`,
      { cause },
    );
  }
  const driver = new ChdbDriver(session, database, release);
  try {
    await driver.command(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
    // Session state: every later statement on this connection resolves names in our database.
    await driver.command(`USE \`${database}\``);
    for (const [name, value] of Object.entries(QUERY_SETTINGS)) {
      await driver.command(`SET ${name} = ${typeof value === 'number' ? value : `'${value}'`}`);
    }
  } catch (cause) {
    await driver.close();
    throw cause;
  }
  return driver;
}

class ChdbDriver implements Driver {
  readonly kind = 'chdb' as const;
  #session: Session | undefined;

  constructor(
    session: Session,
    readonly database: string,
    private readonly release: () => void,
  ) {
    this.#session = session;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
    const session = this.#open();
    let text: string;
    try {
      const result =
        params === undefined
          ? await session.queryAsync(sql, { format: 'JSONEachRow' })
          : await session.queryBindAsync(sql, params, { format: 'JSONEachRow' });
      text = result.text();
    } catch (cause) {
      throw new StorageError('QUERY_FAILED', `query failed: ${describeCause(cause)}`, { cause });
    }
    const rows: T[] = [];
    for (const line of text.split('\n')) if (line !== '') rows.push(JSON.parse(line) as T);
    return rows;
  }

  async insert(table: string, rows: readonly object[], opts?: { dedupToken?: string }): Promise<void> {
    const session = this.#open();
    if (rows.length === 0) return;
    const { payload, columns } = encodeRows(rows);
    try {
      await session.insert({
        table: assertTableName(table),
        values: Buffer.from(payload, 'utf8'),
        ...(columns === undefined ? { format: 'JSONEachRow' as const } : { format: 'JSONCompactEachRow' as const, columns }),
        settings: insertSettings(opts?.dedupToken),
      });
    } catch (cause) {
      // Only the exception name: the engine's text can quote the row, i.e. prompt content.
      throw new StorageError('INSERT_FAILED', `insert into ${table} failed (${exceptionName(cause)})`, { cause });
    }
  }

  async insertLines(table: string, columns: readonly string[], payload: Buffer, opts?: { dedupToken?: string }): Promise<void> {
    const session = this.#open();
    if (payload.byteLength === 0) return;
    try {
      // chDB hands the bytes to the engine zero-copy and runs the insert off the event loop.
      await session.insert({
        table: assertTableName(table),
        values: payload,
        format: 'TabSeparated',
        columns,
        settings: { ...insertSettings(opts?.dedupToken), ...LINE_INSERT_SETTINGS },
      });
    } catch (cause) {
      throw new StorageError('INSERT_FAILED', `insert into ${table} failed (${exceptionName(cause)})`, { cause });
    }
  }

  async command(sql: string, params?: Record<string, unknown>): Promise<void> {
    const session = this.#open();
    try {
      if (params === undefined) await session.queryAsync(sql, { format: 'TabSeparated' });
      else await session.queryBindAsync(sql, params, { format: 'TabSeparated' });
    } catch (cause) {
      throw new StorageError('QUERY_FAILED', `statement failed: ${describeCause(cause)}`, { cause });
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    try {
      session.close();
    } finally {
      this.release();
    }
  }

  #open(): Session {
    if (this.#session === undefined) throw new StorageError('DRIVER_CLOSED', 'the embedded database was closed');
    return this.#session;
  }
}

/**
 * Rows sharing one key list (spans always do) go as JSONCompactEachRow with an explicit column list:
 * no key names to write and look up, ~10 % less engine CPU per span than JSONEachRow. Mixed shapes
 * fall back to JSONEachRow so a missing key is never silently shifted into another column.
 */
export function encodeRows(rows: readonly object[]): { payload: string; columns?: string[] } {
  const columns = Object.keys(rows[0] ?? {});
  let payload = '';
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length !== columns.length || keys.some((key, i) => key !== columns[i])) {
      payload = '';
      for (const each of rows) payload += `${JSON.stringify(each)}\n`;
      return { payload };
    }
    payload += `${JSON.stringify(columns.map((column) => record[column]))}\n`;
  }
  return { payload, columns };
}

function exceptionName(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return /\(([A-Z_]{3,})\)/.exec(text)?.[1] ?? 'see cause';
}
