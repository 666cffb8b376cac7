import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { Readable } from 'node:stream';
import { StorageError, describeCause, insertFailed } from '../errors.ts';
import { LINE_INSERT_SETTINGS, QUERY_SETTINGS, assertTableName, insertSettings, type Driver } from '../driver.ts';

export interface ServerDriverOptions {
  url: string;
  database: string;
  user?: string;
  password?: string;
  cluster?: string;
  /** Milliseconds before a request is abandoned. */
  requestTimeoutMs?: number;
}

/**
 * A ClickHouse server over HTTP through @clickhouse/client. Creates the database first (a client
 * bound to a database that does not exist yet fails every request), then pings so an unreachable
 * server fails at start-up with its URL rather than on the first span.
 */
export async function openServerDriver(opts: ServerDriverOptions): Promise<Driver> {
  const base = {
    url: opts.url,
    request_timeout: opts.requestTimeoutMs ?? 30_000,
    application: 'sightline',
    // The client would otherwise log warnings to the console; we report through errors only.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: { ...QUERY_SETTINGS } as ClickHouseSettings,
    ...(opts.user === undefined ? {} : { username: opts.user }),
    ...(opts.password === undefined ? {} : { password: opts.password }),
  };
  const bootstrap = createClient(base);
  try {
    await pingOrThrow(bootstrap, opts.url);
    const onCluster = opts.cluster === undefined ? '' : ` ON CLUSTER \`${opts.cluster}\``;
    await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS \`${opts.database}\`${onCluster}` });
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError('SERVER_UNREACHABLE', `cannot prepare database ${opts.database} on ${redact(opts.url)}: ${describeCause(cause)}`, { cause });
  } finally {
    await bootstrap.close();
  }
  return new ServerDriver(createClient({ ...base, database: opts.database }), opts.database, opts.url);
}

/** The server driver over a client made elsewhere (tests run it over chdb/connection). */
export function serverDriverOverClient(client: ClickHouseClient, database: string, url: string): Driver {
  return new ServerDriver(client, database, url);
}

class ServerDriver implements Driver {
  readonly kind = 'server' as const;
  #closed = false;

  constructor(
    private readonly client: ClickHouseClient,
    readonly database: string,
    private readonly url: string,
  ) {}

  async query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
    this.#assertOpen();
    try {
      const result = await this.client.query({ query: sql, format: 'JSONEachRow', ...(params === undefined ? {} : { query_params: params }) });
      return await result.json<T>();
    } catch (cause) {
      throw new StorageError('QUERY_FAILED', `query failed: ${describeCause(cause)}`, { cause });
    }
  }

  async insert(table: string, rows: readonly object[], opts?: { dedupToken?: string }): Promise<void> {
    await this.#insertRows(table, rows, insertSettings(opts?.dedupToken));
  }

  async #insertRows(table: string, rows: readonly object[], settings: Record<string, string | number>): Promise<void> {
    this.#assertOpen();
    if (rows.length === 0) return;
    try {
      await this.client.insert({
        table: assertTableName(table),
        values: rows as object[],
        format: 'JSONEachRow',
        clickhouse_settings: settings as ClickHouseSettings,
      });
    } catch (cause) {
      throw insertFailed(table, cause);
    }
  }

  async insertLines(table: string, columns: readonly string[], payload: Buffer, opts?: { dedupToken?: string }): Promise<void> {
    this.#assertOpen();
    if (payload.byteLength === 0) return;
    try {
      // TabSeparated is a raw format to the client: a byte stream (not object mode) is sent as it is.
      await this.client.insert({
        table: assertTableName(table),
        values: Readable.from([payload], { objectMode: false }),
        format: 'TabSeparated',
        columns: columns as [string, ...string[]],
        clickhouse_settings: { ...insertSettings(opts?.dedupToken), ...LINE_INSERT_SETTINGS } as ClickHouseSettings,
      });
    } catch (cause) {
      throw insertFailed(table, cause);
    }
  }

  async command(sql: string, params?: Record<string, unknown>): Promise<void> {
    this.#assertOpen();
    try {
      await this.client.command({ query: sql, ...(params === undefined ? {} : { query_params: params }) });
    } catch (cause) {
      throw new StorageError('QUERY_FAILED', `statement failed: ${describeCause(cause)}`, { cause });
    }
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await pingOrThrow(this.client, this.url);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.client.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError('DRIVER_CLOSED', 'the ClickHouse client was closed');
  }
}

async function pingOrThrow(client: ClickHouseClient, url: string): Promise<void> {
  const result = await client.ping();
  if (!result.success) {
    throw new StorageError('SERVER_UNREACHABLE', `ClickHouse server at ${redact(url)} is unreachable: ${describeCause(result.error)}`, {
      cause: result.error,
    });
  }
}

/** URLs may carry credentials (`http://user:secret@host`); never put them in a message. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}
