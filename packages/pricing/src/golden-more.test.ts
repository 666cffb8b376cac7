import { describe, expect, it } from 'vitest';
import { createPriceBook } from './price-book.ts';
import { priceUsage } from './price-usage.ts';
import { usageFromGemini, usageFromOpenAI, usageFromOpenAIEmbeddings } from './usage-from.ts';

// More golden costs, worked out by hand: $X per 1M tokens = X × 1000 nano-dollars per token.
const book = createPriceBook();
const at = new Date('2025-11-01T12:00:00Z');

describe('golden costs: audio, long context, tiers, other providers', () => {
  it('OpenAI audio tokens at the audio rates (gpt-4o-audio-preview)', () => {
    const usage = usageFromOpenAI({
      prompt_tokens: 1200, completion_tokens: 500, total_tokens: 1700,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 400 },
    });
    const r = priceUsage(book, { provider: 'openai', model: 'gpt-4o-audio-preview-2024-12-17', usage, at });
    // text in 200 × 2500 = 500_000; audio in 1000 × 40_000 = 40_000_000; text out 100 × 10_000 = 1_000_000;
    // audio out 400 × 80_000 = 32_000_000
    expect(r.nanos).toBe(73_500_000n);
    expect(r.explanation.lines.map((l) => l.usageType)).toEqual(['input', 'audio_input', 'output', 'audio_output']);
  });

  it('Gemini 2.5 Pro above 200k input tokens, in Batch Mode', () => {
    const usage = usageFromGemini({ promptTokenCount: 300_000, candidatesTokenCount: 2000, totalTokenCount: 302_000 });
    const r = priceUsage(book, { provider: 'gcp.gemini', model: 'gemini-2.5-pro', usage, at, serviceTier: 'batch' });
    // (300_000 × 2500 + 2000 × 15_000) / 2 = (750_000_000 + 30_000_000) / 2
    expect(r.nanos).toBe(390_000_000n);
    expect(r.explanation.note).toBe('long-context rates: input above 200000 tokens; batch tier: 50% of standard');
  });

  it('xAI grok-4 above 128k with cached input', () => {
    const usage = usageFromOpenAI({ prompt_tokens: 150_000, completion_tokens: 1000, prompt_tokens_details: { cached_tokens: 100_000 } });
    // 50_000 × 6000 = 300_000_000; 100_000 × 1500 = 150_000_000; 1000 × 30_000 = 30_000_000
    expect(priceUsage(book, { provider: 'x_ai', model: 'grok-4-0709', usage, at }).nanos).toBe(480_000_000n);
  });

  it('Mistral and Llama on Groq', () => {
    const mistral = usageFromOpenAI({ prompt_tokens: 2000, completion_tokens: 500 });
    // 2000 × 2000 + 500 × 6000
    expect(priceUsage(book, { provider: 'mistral_ai', model: 'mistral-large-2411', usage: mistral, at }).nanos).toBe(7_000_000n);
    const groq = usageFromOpenAI({ prompt_tokens: 1000, completion_tokens: 200 });
    // 1000 × 590 + 200 × 790
    expect(priceUsage(book, { provider: 'groq', model: 'llama-3.3-70b-versatile', usage: groq, at }).nanos).toBe(748_000n);
  });

  it('batch embeddings are half price', () => {
    const usage = usageFromOpenAIEmbeddings({ prompt_tokens: 10_000, total_tokens: 10_000 });
    // 10_000 × 130 / 2
    expect(priceUsage(book, { provider: 'openai', model: 'text-embedding-3-large', usage, at, serviceTier: 'batch' }).nanos).toBe(650_000n);
  });

  it('rounds sub-nano amounts once per call, half up', () => {
    const usage = usageFromGemini({ promptTokenCount: 4, cachedContentTokenCount: 2, candidatesTokenCount: 0 });
    // gemini-1.5-flash: 2 × 75 = 150; cached $0.01875/M is 18.75 nano a token: 2 × 18.75 = 37.5 → 187.5 → 188
    expect(priceUsage(book, { provider: 'gcp.gemini', model: 'gemini-1.5-flash', usage, at }).nanos).toBe(188n);
    const nano = usageFromOpenAI({ prompt_tokens: 343, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 333 } });
    // gpt-5-nano: 10 × 50 = 500; 333 × 5 = 1665; 1 × 400 = 400
    expect(priceUsage(book, { provider: 'openai', model: 'gpt-5-nano', usage: nano, at }).nanos).toBe(2565n);
  });

  it('a tier a model does not list falls back to standard rates, with a note', () => {
    const usage = usageFromOpenAI({ prompt_tokens: 1000, completion_tokens: 0 });
    const r = priceUsage(book, { provider: 'openai', model: 'gpt-4o-mini', usage, at, serviceTier: 'flex' });
    expect(r.nanos).toBe(150_000n);
    expect(r.explanation.note).toBe('no flex price listed: standard rates applied');
  });
});
