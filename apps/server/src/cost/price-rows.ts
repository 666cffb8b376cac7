import { createPriceBook, type PriceOverride, type ResolvedPrice } from '@sightline/pricing';

/** One row of `GET /api/prices`: the price in force for a model, with where it came from. */
export interface PriceRow {
  key: string;
  source: 'bundled' | 'override' | 'self-hosted';
  effectiveFrom: string | null;
  overrideId: string | null;
  kind: 'per_token' | 'gpu_hour';
  /** USD per 1M tokens (per_token). */
  rates?: Record<string, number>;
  longContext?: { aboveInputTokens: number; rates: Record<string, number> };
  tiers?: Record<string, unknown>;
  /** USD per GPU-hour and the calls one GPU serves at once (gpu_hour). */
  hourlyUsd?: number;
  concurrency?: number;
}

function defined(rates: object): Record<string, number> {
  return Object.fromEntries(Object.entries(rates).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}

export function toPriceRow(p: ResolvedPrice): PriceRow {
  if (p.kind === 'gpu_hour') {
    return { key: p.key, source: p.origin, effectiveFrom: p.effectiveFrom, overrideId: p.overrideId, kind: 'gpu_hour', hourlyUsd: p.hourlyUsd, concurrency: p.concurrency };
  }
  const row: PriceRow = { key: p.key, source: p.origin, effectiveFrom: p.effectiveFrom, overrideId: p.overrideId, kind: 'per_token', rates: defined(p.entry.rates) };
  if (p.entry.longContext) row.longContext = { aboveInputTokens: p.entry.longContext.aboveInputTokens, rates: defined(p.entry.longContext.rates) };
  if (p.entry.tiers) row.tiers = p.entry.tiers;
  return row;
}

const FAR_FUTURE = new Date(8.64e15);

/** Whether a stored span of (provider, model) is priced by one of `overrides` at some time. */
export function overrideMatcher(overrides: readonly PriceOverride[], azureDeployments: Record<string, string>): (provider: string, model: string) => boolean {
  const books = overrides.map((o) => ({ id: o.id, book: createPriceBook({ overrides: [{ ...o, effectiveFrom: new Date(0).toISOString() }], azureDeployments }) }));
  return (provider, model) => books.some(({ id, book }) => book.resolve(provider, model, FAR_FUTURE)?.overrideId === id);
}
