import { randomBytes } from 'node:crypto';

/**
 * The slice of `packages/storage`'s Driver the alerts part uses. Declared here structurally so this
 * module depends on the seam's shape, not on one implementation: both the chDB and the server
 * driver satisfy it. Every value travels as a `{name:Type}` parameter.
 */
export interface AlertsDriver {
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  command(sql: string, params?: Record<string, unknown>): Promise<void>;
  insert(table: string, rows: readonly object[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Minimal logger the composition root passes in; secrets and payloads are never given to it. */
export interface AlertsLogger {
  warn(message: string, context?: Record<string, unknown>): void;
  info?(message: string, context?: Record<string, unknown>): void;
}
export const silentLogger: AlertsLogger = { warn: () => undefined };

let lastVersion = 0n;
/**
 * ReplacingMergeTree keeps the row with the highest Version, so versions must grow strictly even when
 * two writes land in the same millisecond. Wall time (not the injectable clock) keeps them growing
 * across restarts; the low digits are a per-process sequence.
 */
export function nextVersion(): string {
  const wall = BigInt(Date.now()) * 1000n;
  lastVersion = wall > lastVersion ? wall : lastVersion + 1n;
  return lastVersion.toString();
}

/** `prefix_` + 24 url-safe random chars, e.g. `rule_…`, `msg_…` (the Standard Webhooks id style). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString('base64url')}`;
}

/** DateTime64(3, 'UTC') text form, which both JSONEachRow input and `{t:DateTime64(3)}` params accept. */
export function toChTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** ClickHouse DateTime64 text (UTC) back to ISO-8601. */
export function fromChTime(value: unknown): string {
  const s = String(value);
  if (s.includes('T')) return s.endsWith('Z') ? s : `${s}Z`;
  const [date, time = '00:00:00'] = s.split(' ');
  const withMs = time.includes('.') ? time : `${time}.000`;
  return `${date}T${withMs.slice(0, 12)}Z`;
}

export function fromChTimeNullable(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return fromChTime(value);
}

/** 64-bit integers arrive quoted in JSON output; this reads either form. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = num(value);
  return Number.isFinite(n) ? n : null;
}
