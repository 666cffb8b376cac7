import type { Session } from 'chdb';
import { StorageError, describeCause, insertFailed } from '../errors.ts';
import { LINE_INSERT_SETTINGS, QUERY_SETTINGS, assertTableName, insertSettings, settingsClause, sqlStringLiteral, type Driver } from '../driver.ts';
import { assertIdentifier } from '../config.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { InsertFiles } from './insert-files.ts';

/**
 * One chDB session runs its statements one at a time; sessions on the same data directory share the
 * engine and run side by side (two `SELECT sleep(1)` take 2 s on one session, 1 s on two), on chDB's
 * own threads (not libuv's pool: file I/O is not held up). Three sessions: the spool writer keeps up to
 * two span inserts in flight, and a dashboard query still finds a session free. On the storage bench,
 * 10k-row inserts two in flight went from ~23k to ~27k rows/s with the second session. More would
 * not help queries: chDB's binding runs parameterised queries one at a time per process.
 */
const SESSIONS = 3;

/**
 * Embedded ClickHouse through chDB's session API: a small pool of sessions on one data directory.
 * Span lines reach the engine as a staged TabSeparated file (see InsertFiles); other inserts as one
 * JSON buffer per batch, which the engine parses natively (about twice the rate of going through
 * @clickhouse/client and chdb/connection, which JSON-encodes rows one by one; see FIELD-NOTES).
 */
export async function openChdbDriver(dataDir: string, database: string): Promise<Driver> {
  const release = acquireDataDirLock(dataDir);
  const sessions: Session[] = [];
  try {
    // Dynamic so server-mode installs without the optional native dependency still work.
    const chdb = await import('chdb');
    for (let i = 0; i < SESSIONS; i++) sessions.push(new chdb.Session(dataDir));
  } catch (cause) {
    for (const session of sessions) session.close();
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
  const driver = new ChdbDriver(sessions, database, release, InsertFiles.open());
  try {
    await driver.command(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
    // Session state, set on every session of the pool: later statements resolve names in our
    // database and format results the same way whichever session runs them.
    for (const session of sessions) {
      await runStatement(session, `USE \`${database}\``);
      await runStatement(session, `SET ${settingsClause(QUERY_SETTINGS)}`);
    }
  } catch (cause) {
    await driver.close();
    throw cause;
  }
  return driver;
}

class ChdbDriver implements Driver {
  readonly kind = 'chdb' as const;
  #sessions: Session[] | undefined;
  /** Statements queued or running per session, to send each new one to the least busy session. */
  readonly #busy: number[];
  readonly #files: InsertFiles | undefined;

  constructor(
    sessions: Session[],
    readonly database: string,
    private readonly release: () => void,
    files: InsertFiles | undefined,
  ) {
    this.#sessions = sessions;
    this.#files = files;
    this.#busy = sessions.map(() => 0);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
    let text: string;
    try {
      const result = await this.#run((session) =>
        params === undefined
          ? session.queryAsync(sql, { format: 'JSONEachRow' })
          : session.queryBindAsync(sql, params, { format: 'JSONEachRow' }),
      );
      text = result.text();
    } catch (cause) {
      if (cause instanceof StorageError) throw cause;
      throw new StorageError('QUERY_FAILED', `query failed: ${describeCause(cause)}`, { cause });
    }
    const rows: T[] = [];
    for (const line of text.split('\n')) if (line !== '') rows.push(JSON.parse(line) as T);
    return rows;
  }

  async insert(table: string, rows: readonly object[], opts?: { dedupToken?: string }): Promise<void> {
    this.#open();
    if (rows.length === 0) return;
    const { payload, columns } = encodeRows(rows);
    try {
      await this.#run((session) =>
        session.insert({
          table: assertTableName(table),
          values: Buffer.from(payload, 'utf8'),
          ...(columns === undefined ? { format: 'JSONEachRow' as const } : { format: 'JSONCompactEachRow' as const, columns }),
          settings: insertSettings(opts?.dedupToken),
        }),
      );
    } catch (cause) {
      if (cause instanceof StorageError) throw cause;
      throw insertFailed(table, cause);
    }
  }

  async insertLines(table: string, columns: readonly string[], payload: Buffer, opts?: { dedupToken?: string }): Promise<void> {
    this.#open();
    if (payload.byteLength === 0) return;
    try {
      const settings = { ...insertSettings(opts?.dedupToken), ...LINE_INSERT_SETTINGS };
      const fromFile = await this.#files?.with(payload, (path) =>
        this.#run((session) =>
          session.queryAsync(
            `INSERT INTO ${assertTableName(table)} (${columns.map(columnName).join(', ')}) FROM INFILE ${sqlStringLiteral(path)} ` +
              `SETTINGS ${settingsClause(settings)} FORMAT TabSeparated`,
          ),
        ),
      );
      if (fromFile !== undefined) return;
      // No staging file: chDB takes the bytes from memory (same rows, more engine CPU).
      await this.#run((session) =>
        session.insert({
          table: assertTableName(table),
          values: payload,
          format: 'TabSeparated',
          columns,
          settings,
        }),
      );
    } catch (cause) {
      if (cause instanceof StorageError) throw cause;
      throw insertFailed(table, cause);
    }
  }

  async command(sql: string, params?: Record<string, unknown>): Promise<void> {
    try {
      await this.#run((session) => runStatement(session, sql, params));
    } catch (cause) {
      if (cause instanceof StorageError) throw cause;
      throw new StorageError('QUERY_FAILED', `statement failed: ${describeCause(cause)}`, { cause });
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    const sessions = this.#sessions;
    this.#sessions = undefined;
    if (sessions === undefined) return;
    try {
      for (const session of sessions) session.close();
      this.#files?.close();
    } finally {
      this.release();
    }
  }

  #open(): Session[] {
    if (this.#sessions === undefined) throw new StorageError('DRIVER_CLOSED', 'the embedded database was closed');
    return this.#sessions;
  }

  /** Runs `work` on the session with the fewest statements queued or running (the first on a tie). */
  async #run<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const sessions = this.#open();
    let pick = 0;
    for (let i = 1; i < sessions.length; i++) if ((this.#busy[i] ?? 0) < (this.#busy[pick] ?? 0)) pick = i;
    this.#busy[pick] = (this.#busy[pick] ?? 0) + 1;
    try {
      return await work(sessions[pick] as Session);
    } finally {
      this.#busy[pick] = (this.#busy[pick] ?? 1) - 1;
    }
  }
}

async function runStatement(session: Session, sql: string, params?: Record<string, unknown>): Promise<void> {
  if (params === undefined) await session.queryAsync(sql, { format: 'TabSeparated' });
  else await session.queryBindAsync(sql, params, { format: 'TabSeparated' });
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

/** A column name for SQL text: identifiers, dotted for Nested sub-columns (`Events.Name`). */
function columnName(name: string): string {
  return name
    .split('.')
    .map((part) => assertIdentifier(part, 'column name'))
    .join('.');
}
