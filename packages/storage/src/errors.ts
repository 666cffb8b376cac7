/** Stable codes callers (the server's `app.onError`, the CLI) map to messages and HTTP statuses. */
export type StorageErrorCode =
  | 'DATA_DIR_LOCKED'
  | 'DATA_DIR_UNUSABLE'
  | 'SERVER_UNREACHABLE'
  | 'DRIVER_UNAVAILABLE'
  | 'DRIVER_CLOSED'
  | 'MIGRATION_FAILED'
  | 'QUERY_FAILED'
  | 'INSERT_FAILED'
  | 'INVALID_ARGUMENT';

/**
 * The one error type `@sightline/storage` throws. The message names the thing that failed (data
 * directory, server URL, migration id, table) but never a bound value: values can hold prompt text.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** The first line of an underlying error, for messages; ClickHouse errors carry stack traces after it. */
export function describeCause(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.length > 500 ? `${firstLine.slice(0, 500)}…` : firstLine;
}

/**
 * A failed insert, named by the engine's exception name only (`TYPE_MISMATCH`, …): the engine's
 * text can quote the row, i.e. prompt content.
 */
export function insertFailed(table: string, cause: unknown): StorageError {
  const text = cause instanceof Error ? cause.message : String(cause);
  const name = /\(([A-Z_]{3,})\)/.exec(text)?.[1] ?? 'see cause';
  return new StorageError('INSERT_FAILED', `insert into ${table} failed (${name})`, { cause });
}
