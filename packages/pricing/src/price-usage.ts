import type { CostExplanation } from '@sightline/contracts';
import type { PriceBook } from './price-book.ts';
import type { CostResult, PriceRequest, Rates, ResolvedPrice, ServiceTier, TableEntry, Usage } from './types.ts';

/**
 * Money arithmetic runs in integer units of 1e-14 USD ("centi-pico"): every published per-million
 * price has at most 6 decimals (a pico-dollar per token), and tier percentages add two digits, so
 * nothing is ever rounded until the one conversion to nano-dollars per span.
 */
const UNIT_PER_NANO = 100_000n;
const UNIT_PER_USD = 1e14;

type Line = CostExplanation['lines'][number];

/** Above this a count is corrupt, not usage: no call reads a trillion tokens. */
const MAX_COUNT = 1e12;
/** An explicit cost above this per call is corrupt, and would overflow the Int64 column's safe range. */
const MAX_EXPLICIT_USD = 1e6;

function count(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n > 0 && n <= MAX_COUNT ? Math.trunc(n) : 0;
}

function divRoundHalfUp(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (2n * b);
}

function toPico(usdPerMillion: number): bigint {
  return BigInt(Math.round(usdPerMillion * 1e6));
}

export function normaliseServiceTier(tier: string | undefined): ServiceTier {
  const t = (tier ?? '').trim().toLowerCase();
  return t === 'batch' || t === 'flex' || t === 'priority' ? t : 'default';
}

function pickRates(entry: TableEntry, inputTokens: number, tier: ServiceTier, notes: string[]): { rates: Rates; percent: bigint } {
  let rates = entry.rates;
  if (entry.longContext && inputTokens > entry.longContext.aboveInputTokens) {
    rates = entry.longContext.rates;
    notes.push(`long-context rates: input above ${entry.longContext.aboveInputTokens} tokens`);
  }
  if (tier === 'default') return { rates, percent: 100n };
  const tierPrice = entry.tiers?.[tier];
  if (!tierPrice) {
    notes.push(`no ${tier} price listed: standard rates applied`);
    return { rates, percent: 100n };
  }
  if ('rates' in tierPrice) return { rates: tierPrice.rates, percent: 100n };
  notes.push(`${tier} tier: ${tierPrice.percent}% of standard`);
  return { rates, percent: BigInt(Math.round(tierPrice.percent)) };
}

/** Splits usage into disjoint billable parts; counts that break the subset rules are capped, never doubled. */
function billableParts(u: Usage, rates: Rates, notes: string[]): { type: string; qty: number; usd: number }[] {
  const input = count(u.inputTokens);
  const cacheRead = Math.min(count(u.cacheReadTokens), input);
  const cacheWrite = Math.min(count(u.cacheWriteTokens), input - cacheRead);
  const write1h = Math.min(count(u.cacheWrite1hTokens), cacheWrite);
  const audioIn = Math.min(count(u.audioInputTokens), input - cacheRead - cacheWrite);
  const imageIn = Math.min(count(u.imageInputTokens), input - cacheRead - cacheWrite - audioIn);
  const output = count(u.outputTokens);
  const reasoning = Math.min(count(u.reasoningTokens), output);
  const audioOut = Math.min(count(u.audioOutputTokens), output - reasoning);
  if (count(u.cacheReadTokens) + count(u.cacheWriteTokens) > input) notes.push('cached tokens exceed input tokens: capped at input');
  if (count(u.reasoningTokens) > output) notes.push('reasoning tokens exceed output tokens: capped at output');
  let outputRate = rates.output;
  if (outputRate === undefined && output > 0) {
    notes.push('no output price listed: input price applied to output');
    outputRate = rates.input;
  }
  const out = outputRate ?? 0;
  return [
    { type: 'input', qty: input - cacheRead - cacheWrite - audioIn - imageIn, usd: rates.input },
    { type: 'cached_input', qty: cacheRead, usd: rates.cachedInput ?? rates.input },
    { type: 'cache_write_5m', qty: cacheWrite - write1h, usd: rates.cacheWrite5m ?? rates.input },
    { type: 'cache_write_1h', qty: write1h, usd: rates.cacheWrite1h ?? rates.cacheWrite5m ?? rates.input },
    { type: 'audio_input', qty: audioIn, usd: rates.audioInput ?? rates.input },
    { type: 'image_input', qty: imageIn, usd: rates.imageInput ?? rates.input },
    { type: 'output', qty: output - reasoning - audioOut, usd: out },
    { type: 'reasoning', qty: reasoning, usd: rates.reasoning ?? out },
    { type: 'audio_output', qty: audioOut, usd: rates.audioOutput ?? out },
  ].filter((p) => p.qty > 0);
}

function explanation(price: ResolvedPrice | null, tier: ServiceTier, lines: Line[], nanos: bigint | null, notes: string[]): CostExplanation {
  return {
    priceKey: price?.key ?? null,
    source: price?.origin ?? 'none',
    effectiveFrom: price?.effectiveFrom ?? null,
    serviceTier: tier,
    lines,
    totalUsd: nanos === null ? null : Number(nanos) / 1e9,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}

function priceTokens(price: ResolvedPrice & { kind: 'per_token' }, u: Usage, tier: ServiceTier): CostResult {
  const notes: string[] = [];
  const { rates, percent } = pickRates(price.entry, count(u.inputTokens), tier, notes);
  let total = 0n;
  const lines: Line[] = billableParts(u, rates, notes).map((p) => {
    const unit = toPico(p.usd) * percent;
    const cost = BigInt(p.qty) * unit;
    total += cost;
    return { usageType: p.type, quantity: p.qty, unitPriceUsd: (Number(unit) * 1e6) / UNIT_PER_USD, unit: '1M tokens', costUsd: Number(cost) / UNIT_PER_USD };
  });
  const nanos = divRoundHalfUp(total, UNIT_PER_NANO);
  return { nanos, source: 'priced', explanation: explanation(price, tier, lines, nanos, notes) };
}

function priceGpuTime(price: ResolvedPrice & { kind: 'gpu_hour' }, u: Usage, tier: ServiceTier): CostResult {
  const ms = u.durationMs;
  // A day-long call is a broken clock or a stuck span, not GPU time to bill.
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > 86_400_000) {
    const notes = ['priced per GPU-hour but the call has no usable duration'];
    return { nanos: null, source: 'unpriced', explanation: explanation(price, tier, [], null, notes) };
  }
  const durationMs = BigInt(Math.round(ms));
  const nanoPerHour = BigInt(Math.round(price.hourlyUsd * 1e9));
  const nanos = divRoundHalfUp(durationMs * nanoPerHour, 3_600_000n * BigInt(price.concurrency));
  const line: Line = {
    usageType: 'gpu_seconds',
    quantity: Math.round(ms) / 1000,
    unitPriceUsd: price.hourlyUsd,
    unit: price.concurrency === 1 ? 'GPU-hour' : `GPU-hour shared by ${price.concurrency} concurrent calls`,
    costUsd: Number(nanos) / 1e9,
  };
  const notes = [`duration × $${price.hourlyUsd}/h ÷ concurrency ${price.concurrency}`];
  return { nanos, source: 'priced', explanation: explanation(price, tier, [line], nanos, notes) };
}

/**
 * The cost of one call in integer nano-dollars, with its derivation. An explicit cost wins; a model
 * without a price is 'unpriced' (nanos null), never a silent zero.
 */
export function priceUsage(book: PriceBook, req: PriceRequest): CostResult {
  const tier = normaliseServiceTier(req.serviceTier);
  const notes: string[] = [];
  const explicit = req.explicitCostUsd;
  if (explicit !== undefined) {
    if (Number.isFinite(explicit) && explicit >= 0 && explicit <= MAX_EXPLICIT_USD) {
      const nanos = BigInt(Math.round(explicit * 1e9));
      const exp: CostExplanation = {
        priceKey: null, source: 'explicit', effectiveFrom: null, serviceTier: tier, lines: [],
        totalUsd: Number(nanos) / 1e9, note: 'cost sent by the instrumented application (sightline.cost.usd)',
      };
      return { nanos, source: 'explicit', explanation: exp };
    }
    notes.push(`explicit cost ignored: not a number between 0 and ${MAX_EXPLICIT_USD} USD`);
  }
  const price = book.resolve(req.provider, req.model, req.at);
  if (!price) {
    notes.push(`no price for ${req.provider || '(no provider)'}/${req.model || '(no model)'}: add a project price override`);
    return { nanos: null, source: 'unpriced', explanation: explanation(null, tier, [], null, notes) };
  }
  const result = price.kind === 'gpu_hour' ? priceGpuTime(price, req.usage, tier) : priceTokens(price, req.usage, tier);
  if (notes.length > 0) {
    result.explanation.note = [...notes, result.explanation.note].filter((n) => n !== null).join('; ');
  }
  return result;
}

/** USD for the API: one conversion at the edge. */
export function nanosToUsd(nanos: bigint | number): number {
  return Number(nanos) / 1e9;
}
