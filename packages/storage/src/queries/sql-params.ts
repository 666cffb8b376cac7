import type { Driver } from '../driver.ts';

/**
 * Collects ClickHouse query parameters while a statement is assembled, so every value travels as a
 * `{name:Type}` placeholder and never as SQL text. Identifiers never go through here: they come from
 * the allow-lists next to each query.
 */
export class SqlParams {
  readonly values: Record<string, unknown> = {};
  #next = 0;

  /** Binds `value` and returns its placeholder, e.g. `{p3:String}`. */
  bind(value: unknown, type: ClickHouseParamType): string {
    const name = `p${this.#next++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

/** The parameter types the query builders use; a closed list keeps typos out of SQL. */
export type ClickHouseParamType =
  | 'String'
  | 'Int64'
  | 'UInt32'
  | 'UInt64'
  | 'Float64'
  | 'Array(String)';

/** The read queries need only `query` of the storage `Driver`; benches and tests may pass less. */
export type QueryDriver = Pick<Driver, 'query'>;

/** ClickHouse writes 64-bit integers as JSON strings; accept both and map null through. */
export function toNumber(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  return typeof value === 'number' ? value : Number(value);
}

export function toNullableNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Integer nano-dollars (summed exactly in ClickHouse) to USD, converted once at the edge. */
export function nanosToUsd(nanos: string | number | null | undefined): number {
  return toNumber(nanos) / 1e9;
}

/** Nanoseconds since the epoch (decimal string) to an ISO-8601 UTC string with milliseconds. */
export function nanosToIso(nanos: string | number): string {
  const ms = typeof nanos === 'number' ? Math.floor(nanos / 1e6) : Number(BigInt(nanos) / 1_000_000n);
  return new Date(ms).toISOString();
}

/** Seconds since the epoch to ISO (rollup buckets are DateTime). */
export function secondsToIso(seconds: string | number): string {
  return new Date(toNumber(seconds) * 1000).toISOString();
}
