import type { TableEntry } from '../types.ts';

// Source: https://openai.com/api/pricing and platform.openai.com/docs/pricing (Standard, Batch, Flex and
// Priority tables), list prices in USD per 1M tokens as of the table date. OpenAI charges cache writes
// at the input price, so no cacheWrite rates here; Batch is half of Standard for every model listed.
const batch = { batch: { percent: 50 } } as const;
const batchFlex = { batch: { percent: 50 }, flex: { percent: 50 } } as const;

export const OPENAI: readonly TableEntry[] = [
  {
    provider: 'openai', model: 'gpt-5', aliases: ['gpt-5-chat'],
    rates: { input: 1.25, cachedInput: 0.125, output: 10 },
    tiers: { ...batchFlex, priority: { rates: { input: 2.5, cachedInput: 0.25, output: 20 } } },
  },
  {
    provider: 'openai', model: 'gpt-5-mini',
    rates: { input: 0.25, cachedInput: 0.025, output: 2 },
    tiers: { ...batchFlex, priority: { rates: { input: 0.45, cachedInput: 0.045, output: 3.6 } } },
  },
  { provider: 'openai', model: 'gpt-5-nano', rates: { input: 0.05, cachedInput: 0.005, output: 0.4 }, tiers: batchFlex },
  {
    provider: 'openai', model: 'gpt-4.1',
    rates: { input: 2, cachedInput: 0.5, output: 8 },
    tiers: { ...batch, priority: { rates: { input: 3.5, cachedInput: 0.875, output: 14 } } },
  },
  {
    provider: 'openai', model: 'gpt-4.1-mini',
    rates: { input: 0.4, cachedInput: 0.1, output: 1.6 },
    tiers: { ...batch, priority: { rates: { input: 0.7, cachedInput: 0.175, output: 2.8 } } },
  },
  { provider: 'openai', model: 'gpt-4.1-nano', rates: { input: 0.1, cachedInput: 0.025, output: 0.4 }, tiers: batch },
  {
    provider: 'openai', model: 'gpt-4o',
    rates: { input: 2.5, cachedInput: 1.25, output: 10 },
    tiers: { ...batch, priority: { rates: { input: 4.25, cachedInput: 2.125, output: 17 } } },
  },
  // The first gpt-4o snapshot kept its launch price when the alias moved to the cheaper 2024-08-06.
  { provider: 'openai', model: 'gpt-4o-2024-05-13', rates: { input: 5, output: 15 }, tiers: batch },
  {
    provider: 'openai', model: 'gpt-4o-mini',
    rates: { input: 0.15, cachedInput: 0.075, output: 0.6 },
    tiers: { ...batch, priority: { rates: { input: 0.25, cachedInput: 0.125, output: 1 } } },
  },
  {
    provider: 'openai', model: 'gpt-4o-audio-preview', aliases: ['gpt-4o-audio'],
    rates: { input: 2.5, output: 10, audioInput: 40, audioOutput: 80 },
  },
  {
    provider: 'openai', model: 'gpt-4o-mini-audio-preview', aliases: ['gpt-4o-mini-audio'],
    rates: { input: 0.15, output: 0.6, audioInput: 10, audioOutput: 20 },
  },
  {
    provider: 'openai', model: 'gpt-4o-realtime-preview', aliases: ['gpt-4o-realtime'],
    rates: { input: 5, cachedInput: 2.5, output: 20, audioInput: 40, audioOutput: 80 },
  },
  { provider: 'openai', model: 'o1', rates: { input: 15, cachedInput: 7.5, output: 60 }, tiers: batch },
  { provider: 'openai', model: 'o1-mini', rates: { input: 1.1, cachedInput: 0.55, output: 4.4 }, tiers: batch },
  { provider: 'openai', model: 'o1-pro', rates: { input: 150, output: 600 }, tiers: batch },
  // o3 was cut by 80% on 2025-06-10: history stays priced at what it cost then.
  { provider: 'openai', model: 'o3', rates: { input: 10, cachedInput: 2.5, output: 40 }, tiers: batch },
  {
    provider: 'openai', model: 'o3', effectiveFrom: '2025-06-10T00:00:00Z',
    rates: { input: 2, cachedInput: 0.5, output: 8 },
    tiers: { ...batchFlex, priority: { rates: { input: 3.5, cachedInput: 0.875, output: 14 } } },
  },
  { provider: 'openai', model: 'o3-pro', rates: { input: 20, output: 80 }, tiers: batch },
  { provider: 'openai', model: 'o3-mini', rates: { input: 1.1, cachedInput: 0.55, output: 4.4 }, tiers: batch },
  {
    provider: 'openai', model: 'o4-mini',
    rates: { input: 1.1, cachedInput: 0.275, output: 4.4 },
    tiers: { ...batchFlex, priority: { rates: { input: 2, cachedInput: 0.5, output: 8 } } },
  },
  {
    provider: 'openai', model: 'gpt-4-turbo', aliases: ['gpt-4-turbo-preview', 'gpt-4-1106-preview', 'gpt-4-0125-preview'],
    rates: { input: 10, output: 30 }, tiers: batch },
  { provider: 'openai', model: 'gpt-4', rates: { input: 30, output: 60 }, tiers: batch },
  { provider: 'openai', model: 'gpt-3.5-turbo', rates: { input: 0.5, output: 1.5 }, tiers: batch },
  { provider: 'openai', model: 'gpt-image-1', rates: { input: 5, cachedInput: 1.25, imageInput: 10, output: 40 } },
  // Embeddings bill input only.
  { provider: 'openai', model: 'text-embedding-3-small', rates: { input: 0.02 }, tiers: batch },
  { provider: 'openai', model: 'text-embedding-3-large', rates: { input: 0.13 }, tiers: batch },
  { provider: 'openai', model: 'text-embedding-ada-002', rates: { input: 0.1 }, tiers: batch },
];
