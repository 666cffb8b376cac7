import type { TableEntry } from '../types.ts';

// Source: https://www.anthropic.com/pricing and docs.anthropic.com/en/docs/about-claude/pricing, USD per
// 1M tokens as of the table date. Cache writes cost 1.25x input (5-minute TTL) or 2x (1-hour TTL);
// cache reads 0.1x. The Batch API is half price. Sonnet 4 / 4.5 bill the whole request at long-context
// rates once the input exceeds 200k tokens (1M-context beta).
const batch = { batch: { percent: 50 } } as const;

const sonnet = { input: 3, cachedInput: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6, output: 15 };
const sonnetLong = {
  aboveInputTokens: 200_000,
  rates: { input: 6, cachedInput: 0.6, cacheWrite5m: 7.5, cacheWrite1h: 12, output: 22.5 },
};
const opus = { input: 15, cachedInput: 1.5, cacheWrite5m: 18.75, cacheWrite1h: 30, output: 75 };

export const ANTHROPIC: readonly TableEntry[] = [
  {
    provider: 'anthropic', model: 'claude-opus-4-5', aliases: ['claude-opus-4.5'],
    rates: { input: 5, cachedInput: 0.5, cacheWrite5m: 6.25, cacheWrite1h: 10, output: 25 }, tiers: batch,
  },
  { provider: 'anthropic', model: 'claude-opus-4-1', aliases: ['claude-opus-4.1'], rates: opus, tiers: batch },
  { provider: 'anthropic', model: 'claude-opus-4', aliases: ['claude-4-opus'], rates: opus, tiers: batch },
  { provider: 'anthropic', model: 'claude-3-opus', rates: opus, tiers: batch },
  {
    provider: 'anthropic', model: 'claude-sonnet-4-5', aliases: ['claude-sonnet-4.5'],
    rates: sonnet, longContext: sonnetLong, tiers: batch,
  },
  {
    provider: 'anthropic', model: 'claude-sonnet-4', aliases: ['claude-4-sonnet'],
    rates: sonnet, longContext: sonnetLong, tiers: batch,
  },
  { provider: 'anthropic', model: 'claude-3-7-sonnet', rates: sonnet, tiers: batch },
  { provider: 'anthropic', model: 'claude-3-5-sonnet', rates: sonnet, tiers: batch },
  {
    provider: 'anthropic', model: 'claude-haiku-4-5', aliases: ['claude-haiku-4.5'],
    rates: { input: 1, cachedInput: 0.1, cacheWrite5m: 1.25, cacheWrite1h: 2, output: 5 }, tiers: batch,
  },
  {
    provider: 'anthropic', model: 'claude-3-5-haiku',
    rates: { input: 0.8, cachedInput: 0.08, cacheWrite5m: 1, cacheWrite1h: 1.6, output: 4 }, tiers: batch,
  },
  {
    provider: 'anthropic', model: 'claude-3-haiku',
    rates: { input: 0.25, cachedInput: 0.03, cacheWrite5m: 0.3, cacheWrite1h: 0.5, output: 1.25 }, tiers: batch,
  },
];
