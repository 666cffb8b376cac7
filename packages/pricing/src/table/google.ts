import type { TableEntry } from '../types.ts';

// Source: https://ai.google.dev/gemini-api/docs/pricing (paid tier), USD per 1M tokens as of the table
// date. Output prices include thinking tokens. Context-cache reads are 10% of input for the 2.5 family;
// long-context rates apply to the whole request above the threshold. Batch Mode is half price.
const batch = { batch: { percent: 50 } } as const;

export const GOOGLE: readonly TableEntry[] = [
  {
    provider: 'google', model: 'gemini-2.5-pro',
    rates: { input: 1.25, cachedInput: 0.125, output: 10 },
    longContext: { aboveInputTokens: 200_000, rates: { input: 2.5, cachedInput: 0.25, output: 15 } },
    tiers: batch,
  },
  {
    provider: 'google', model: 'gemini-2.5-flash',
    rates: { input: 0.3, cachedInput: 0.03, output: 2.5, audioInput: 1 }, tiers: batch,
  },
  {
    provider: 'google', model: 'gemini-2.5-flash-lite',
    rates: { input: 0.1, cachedInput: 0.01, output: 0.4, audioInput: 0.3 }, tiers: batch,
  },
  {
    provider: 'google', model: 'gemini-2.0-flash',
    rates: { input: 0.1, cachedInput: 0.025, output: 0.4, audioInput: 0.7 }, tiers: batch,
  },
  { provider: 'google', model: 'gemini-2.0-flash-lite', rates: { input: 0.075, output: 0.3 }, tiers: batch },
  {
    provider: 'google', model: 'gemini-1.5-pro',
    rates: { input: 1.25, cachedInput: 0.3125, output: 5 },
    longContext: { aboveInputTokens: 128_000, rates: { input: 2.5, cachedInput: 0.625, output: 10 } },
  },
  {
    provider: 'google', model: 'gemini-1.5-flash',
    rates: { input: 0.075, cachedInput: 0.01875, output: 0.3 },
    longContext: { aboveInputTokens: 128_000, rates: { input: 0.15, cachedInput: 0.0375, output: 0.6 } },
  },
  { provider: 'google', model: 'gemini-embedding-001', rates: { input: 0.15 }, tiers: batch },
];
