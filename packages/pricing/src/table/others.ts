import type { TableEntry } from '../types.ts';

// Mistral — https://mistral.ai/pricing (La Plateforme), USD per 1M tokens as of the table date.
const MISTRAL: readonly TableEntry[] = [
  { provider: 'mistral', model: 'mistral-large', rates: { input: 2, output: 6 } },
  { provider: 'mistral', model: 'mistral-medium', aliases: ['mistral-medium-3'], rates: { input: 0.4, output: 2 } },
  { provider: 'mistral', model: 'mistral-small', rates: { input: 0.1, output: 0.3 } },
  { provider: 'mistral', model: 'magistral-medium', rates: { input: 2, output: 5 } },
  { provider: 'mistral', model: 'magistral-small', rates: { input: 0.5, output: 1.5 } },
  { provider: 'mistral', model: 'codestral', rates: { input: 0.3, output: 0.9 } },
  { provider: 'mistral', model: 'pixtral-large', rates: { input: 2, output: 6 } },
  { provider: 'mistral', model: 'ministral-8b', rates: { input: 0.1, output: 0.1 } },
  { provider: 'mistral', model: 'ministral-3b', rates: { input: 0.04, output: 0.04 } },
  { provider: 'mistral', model: 'open-mistral-nemo', aliases: ['mistral-nemo'], rates: { input: 0.15, output: 0.15 } },
  { provider: 'mistral', model: 'mistral-embed', rates: { input: 0.1 } },
];

// DeepSeek — https://api-docs.deepseek.com/quick_start/pricing. "Cache hit" is our cachedInput.
// Two price changes are kept so history stays priced as billed: V3.1 (2025-09-05), V3.2 (2025-09-29).
const deepseek = (effectiveFrom: string | undefined, input: number, cachedInput: number, output: number) =>
  (['deepseek-chat', 'deepseek-reasoner'] as const).map(
    (model): TableEntry => ({
      provider: 'deepseek', model, rates: { input, cachedInput, output },
      ...(effectiveFrom === undefined ? {} : { effectiveFrom }),
    }),
  );
const DEEPSEEK: readonly TableEntry[] = [
  ...deepseek(undefined, 0.27, 0.07, 1.1),
  ...deepseek('2025-09-05T16:00:00Z', 0.56, 0.07, 1.68),
  ...deepseek('2025-09-29T00:00:00Z', 0.28, 0.028, 0.42),
];

// xAI — https://docs.x.ai/docs/models, USD per 1M tokens; grok-4 doubles above 128k input tokens.
const XAI: readonly TableEntry[] = [
  {
    provider: 'xai', model: 'grok-4', rates: { input: 3, cachedInput: 0.75, output: 15 },
    longContext: { aboveInputTokens: 128_000, rates: { input: 6, cachedInput: 1.5, output: 30 } },
  },
  {
    provider: 'xai', model: 'grok-4-fast', aliases: ['grok-4-fast-reasoning', 'grok-4-fast-non-reasoning'],
    rates: { input: 0.2, cachedInput: 0.05, output: 0.5 },
    longContext: { aboveInputTokens: 128_000, rates: { input: 0.4, cachedInput: 0.05, output: 1 } },
  },
  { provider: 'xai', model: 'grok-code-fast-1', rates: { input: 0.2, cachedInput: 0.02, output: 1.5 } },
  { provider: 'xai', model: 'grok-3', rates: { input: 3, cachedInput: 0.75, output: 15 } },
  { provider: 'xai', model: 'grok-3-mini', rates: { input: 0.3, cachedInput: 0.075, output: 0.5 } },
];

// Open-weight models on common hosts: each host prices the same weights differently, so the key is
// host/model-id exactly as the host names it (lowercased). Sources: groq.com/pricing,
// together.ai/pricing, fireworks.ai/pricing.
const HOSTED_OPEN: readonly TableEntry[] = [
  { provider: 'groq', model: 'llama-3.3-70b-versatile', rates: { input: 0.59, output: 0.79 } },
  { provider: 'groq', model: 'llama-3.1-8b-instant', rates: { input: 0.05, output: 0.08 } },
  { provider: 'groq', model: 'qwen/qwen3-32b', rates: { input: 0.29, output: 0.59 } },
  { provider: 'together', model: 'meta-llama/llama-3.3-70b-instruct-turbo', rates: { input: 0.88, output: 0.88 } },
  { provider: 'together', model: 'meta-llama/meta-llama-3.1-8b-instruct-turbo', rates: { input: 0.18, output: 0.18 } },
  { provider: 'together', model: 'meta-llama/meta-llama-3.1-405b-instruct-turbo', rates: { input: 3.5, output: 3.5 } },
  { provider: 'together', model: 'qwen/qwen2.5-72b-instruct-turbo', rates: { input: 1.2, output: 1.2 } },
  { provider: 'together', model: 'qwen/qwen2.5-coder-32b-instruct', rates: { input: 0.8, output: 0.8 } },
  { provider: 'fireworks', model: 'llama-v3p1-8b-instruct', rates: { input: 0.2, output: 0.2 } },
  { provider: 'fireworks', model: 'llama-v3p3-70b-instruct', rates: { input: 0.9, output: 0.9 } },
  { provider: 'fireworks', model: 'qwen2p5-72b-instruct', rates: { input: 0.9, output: 0.9 } },
];

export const OTHERS: readonly TableEntry[] = [...MISTRAL, ...DEEPSEEK, ...XAI, ...HOSTED_OPEN];
