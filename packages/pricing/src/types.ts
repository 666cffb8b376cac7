import type { CostExplanation } from '@sightline/contracts';

/**
 * Token counts of one call in Sightline's single meaning, whatever the provider's habit:
 * `inputTokens` INCLUDES cache reads, cache writes, audio and image input; `cacheWrite1hTokens` is the
 * 1-hour part of `cacheWriteTokens`; `reasoningTokens` and `audioOutputTokens` are parts of `outputTokens`.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens?: number;
  reasoningTokens: number;
  audioInputTokens?: number;
  audioOutputTokens?: number;
  imageInputTokens?: number;
  /** Wall time of the call, for models priced per GPU-hour. */
  durationMs?: number;
}

export interface PriceRequest {
  provider: string;
  model: string;
  usage: Usage;
  /** When the call happened: picks the price in force then. */
  at: Date;
  serviceTier?: string;
  /** A cost the caller computed itself (`sightline.cost.usd`): wins over any table. */
  explicitCostUsd?: number;
}

export interface CostResult {
  /** Integer nano-dollars (1e-9 USD); null when the model has no price. */
  nanos: bigint | null;
  source: 'priced' | 'unpriced' | 'explicit';
  explanation: CostExplanation;
}

/** Prices in USD per one million tokens, as providers publish them. */
export interface Rates {
  input: number;
  cachedInput?: number | undefined;
  cacheWrite5m?: number | undefined;
  cacheWrite1h?: number | undefined;
  output?: number | undefined;
  /** Defaults to the output price: every provider bills thinking as output today. */
  reasoning?: number | undefined;
  audioInput?: number | undefined;
  audioOutput?: number | undefined;
  imageInput?: number | undefined;
}

export const SERVICE_TIERS = ['default', 'batch', 'flex', 'priority'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** A non-default service tier: either its own published prices or a percentage of the standard ones. */
export type TierPrice = { rates: Rates } | { percent: number };

/** One row of the bundled table, as written in `table/*.ts`. */
export interface TableEntry {
  provider: string;
  /** Canonical model name, lowercase, no date suffix. */
  model: string;
  /** Other names of the same model that suffix stripping cannot reach. */
  aliases?: readonly string[];
  /** ISO date the price took effect; omitted for "since the model launched". */
  effectiveFrom?: string;
  rates: Rates;
  /** Rates that replace `rates` for the whole call once its input exceeds `aboveInputTokens`. */
  longContext?: { aboveInputTokens: number; rates: Rates };
  tiers?: { [T in Exclude<ServiceTier, 'default'>]?: TierPrice | undefined };
}

/** Where a resolved price came from. */
export type PriceOrigin = 'bundled' | 'override' | 'self-hosted';

/** A price ready to apply: integer pico-dollars (1e-12 USD) per token, so every list price is exact. */
export interface PicoRates {
  input: bigint;
  cachedInput: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
  output: bigint;
  reasoning: bigint;
  audioInput: bigint;
  audioOutput: bigint;
  imageInput: bigint;
}

export type ResolvedPrice =
  | {
      kind: 'per_token';
      key: string;
      origin: PriceOrigin;
      effectiveFrom: string | null;
      entry: TableEntry;
      overrideId: string | null;
    }
  | {
      kind: 'gpu_hour';
      key: string;
      origin: 'self-hosted';
      effectiveFrom: string | null;
      hourlyUsd: number;
      concurrency: number;
      overrideId: string;
    };
