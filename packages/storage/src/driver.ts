import { assertIdentifier } from './config.ts';

/**
 * The narrow seam between Sightline and ClickHouse. Both implementations (embedded chDB and a
 * ClickHouse server) pass one conformance suite (`driver-conformance.ts`).
 *
 * Result rows are plain JSON objects. 64-bit integers come back as JS numbers on both drivers
 * (`output_format_json_quote_64bit_integers=0`): select nanosecond timestamps with `toString(...)`
 * when exactness matters.
 */
export interface Driver {
  readonly kind: 'chdb' | 'server';
  /** The database unqualified table names resolve to. */
  readonly database: string;
  /** Runs a SELECT; values travel only as `{name:Type}` parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /** Inserts rows as JSONEachRow. `dedupToken` makes a retried insert of the same batch a no-op. */
  insert(table: string, rows: readonly object[], opts?: { dedupToken?: string }): Promise<void>;
  /**
   * Inserts rows already encoded as TabSeparated lines for `columns` (each line ending in a
   * newline): the engine parses the bytes as they are, with no object per row on our side.
   * The caller reuses `payload`'s memory once the promise settles, so nothing may read it after.
   */
  insertLines(table: string, columns: readonly string[], payload: Buffer, opts?: { dedupToken?: string }): Promise<void>;
  /** Runs DDL or any statement without a result. */
  command(sql: string, params?: Record<string, unknown>): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Settings both drivers apply to every query so results look the same whichever engine answers. */
export const QUERY_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_denormals: 0,
  date_time_output_format: 'simple',
} as const;

/**
 * Settings of an insert carrying a de-duplication token. Synchronous so the token applies (async
 * inserts de-duplicate differently) and so materialized views have run when the promise settles.
 */
export function insertSettings(dedupToken: string | undefined): Record<string, string | number> {
  const settings: Record<string, string | number> = {
    async_insert: 0,
    deduplicate_blocks_in_dependent_materialized_views: 1,
    input_format_skip_unknown_fields: 0,
    // ISO-8601 (`Date#toISOString`), epoch numbers and our nanosecond strings all parse exactly.
    date_time_input_format: 'best_effort',
  };
  if (dedupToken !== undefined) settings.insert_deduplication_token = dedupToken;
  return settings;
}

/**
 * Settings added to span inserts (`insertLines`), measured on the storage bench:
 * - `optimize_on_insert = 0`: the engine otherwise re-sorts and collapses every inserted block
 *   (ReplacingMergeTree spans, AggregatingMergeTree rollups) and copies all ~4.5 KB of each row
 *   doing so, ~20 % of the engine's CPU per span. It finds nothing to collapse: insertSpans drops
 *   repeats before the insert and the views' GROUP BY keys are the rollups' sort keys; merges and
 *   readers (FINAL, sum/merge over keys) do the collapsing as for any two inserts.
 * - `input_format_parallel_parsing = 0`: parsing one ~40 MB payload on one thread costs ~15 %
 *   less engine CPU than cutting it into chunks for several. Ingest keeps more than one insert in
 *   flight, so on a busy box the cores stay used; an idle box parses one batch more slowly.
 */
export const LINE_INSERT_SETTINGS: Readonly<Record<string, number>> = {
  optimize_on_insert: 0,
  input_format_parallel_parsing: 0,
};

/** Table names reach SQL text, so they are checked against a plain-identifier pattern first. */
export function assertTableName(table: string): string {
  if (!/^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
    throw new TypeError(`not a table name: "${table}"`);
  }
  return table;
}

/** A single-quoted SQL string literal, for the few places SQL text cannot take a bound parameter (DDL, SETTINGS). */
export function sqlStringLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** `name = value, …` for a SETTINGS clause or a SET statement; names are checked, strings quoted. */
export function settingsClause(settings: Readonly<Record<string, string | number>>): string {
  return Object.entries(settings)
    .map(([name, value]) => `${assertIdentifier(name, 'setting name')} = ${typeof value === 'number' ? String(value) : sqlStringLiteral(value)}`)
    .join(', ');
}
