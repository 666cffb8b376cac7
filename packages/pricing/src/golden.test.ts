import { describe, expect, it } from 'vitest';
import { createPriceBook } from './price-book.ts';
import { priceUsage } from './price-usage.ts';
import type { PriceOverride } from './overrides.ts';
import {
  usageFromAnthropic,
  usageFromGemini,
  usageFromOpenAI,
  usageFromOpenAIEmbeddings,
  usageFromOpenAIResponses,
  usageFromVllm,
} from './usage-from.ts';

// Golden set: real usage payloads as providers return them, normalised, priced, and checked against
// costs worked out by hand in integer nano-dollars ($X per 1M tokens = X × 1000 nano-dollars per token).
const book = createPriceBook();
const at = new Date('2025-11-01T12:00:00Z');

describe('golden costs', () => {
  it('OpenAI chat completion with cached prompt tokens (gpt-4o snapshot)', () => {
    const usage = usageFromOpenAI({
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
    const r = priceUsage(book, { provider: 'openai', model: 'gpt-4o-2024-08-06', usage, at });
    // uncached (2006 - 1920) × 2500 = 215_000; cached 1920 × 1250 = 2_400_000; output 300 × 10_000 = 3_000_000
    expect(r.nanos).toBe(215_000n + 2_400_000n + 3_000_000n);
    expect(r.source).toBe('priced');
    expect(r.explanation.priceKey).toBe('openai/gpt-4o');
    expect(r.explanation.lines.map((l) => [l.usageType, l.quantity, l.unitPriceUsd])).toEqual([
      ['input', 86, 2.5],
      ['cached_input', 1920, 1.25],
      ['output', 300, 10],
    ]);
    expect(r.explanation.totalUsd).toBe(0.005615);
  });

  it('OpenAI chat completion with reasoning tokens (o4-mini): reasoning billed once, as output', () => {
    const usage = usageFromOpenAI({
      prompt_tokens: 1500,
      completion_tokens: 2200,
      total_tokens: 3700,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 1800 },
    });
    const r = priceUsage(book, { provider: 'openai', model: 'o4-mini-2025-04-16', usage, at });
    // 476 × 1100 = 523_600; 1024 × 275 = 281_600; (400 + 1800 reasoning) × 4400 = 9_680_000
    expect(r.nanos).toBe(523_600n + 281_600n + 9_680_000n);
    expect(r.explanation.lines.find((l) => l.usageType === 'reasoning')?.quantity).toBe(1800);
    expect(r.explanation.lines.find((l) => l.usageType === 'output')?.quantity).toBe(400);
  });

  it('OpenAI Responses API usage on the default, flex and priority tiers (gpt-5)', () => {
    const usage = usageFromOpenAIResponses({
      input_tokens: 5000,
      input_tokens_details: { cached_tokens: 4096 },
      output_tokens: 1200,
      output_tokens_details: { reasoning_tokens: 1024 },
      total_tokens: 6200,
    });
    const req = { provider: 'openai', model: 'gpt-5-2025-08-07', usage, at };
    // 904 × 1250 = 1_130_000; 4096 × 125 = 512_000; 1200 × 10_000 = 12_000_000
    expect(priceUsage(book, req).nanos).toBe(1_130_000n + 512_000n + 12_000_000n);
    // flex is half of standard: 13_642_000 / 2
    expect(priceUsage(book, { ...req, serviceTier: 'flex' }).nanos).toBe(6_821_000n);
    // priority: 904 × 2500 = 2_260_000; 4096 × 250 = 1_024_000; 1200 × 20_000 = 24_000_000
    expect(priceUsage(book, { ...req, serviceTier: 'priority' }).nanos).toBe(2_260_000n + 1_024_000n + 24_000_000n);
  });

  it('Anthropic usage with cache read and 5m/1h cache writes (claude-sonnet-4)', () => {
    const usage = usageFromAnthropic({
      input_tokens: 50,
      cache_creation_input_tokens: 2048,
      cache_read_input_tokens: 10_000,
      cache_creation: { ephemeral_5m_input_tokens: 1024, ephemeral_1h_input_tokens: 1024 },
      output_tokens: 500,
      service_tier: 'standard',
    });
    // Anthropic's input_tokens excludes the cache: ours includes it.
    expect(usage.inputTokens).toBe(50 + 10_000 + 2048);
    const r = priceUsage(book, { provider: 'anthropic', model: 'claude-sonnet-4-20250514', usage, at });
    // 50 × 3000 = 150_000; 10_000 × 300 = 3_000_000; 1024 × 3750 = 3_840_000; 1024 × 6000 = 6_144_000;
    // 500 × 15_000 = 7_500_000
    expect(r.nanos).toBe(150_000n + 3_000_000n + 3_840_000n + 6_144_000n + 7_500_000n);
    expect(r.explanation.lines.map((l) => l.usageType)).toEqual(['input', 'cached_input', 'cache_write_5m', 'cache_write_1h', 'output']);
  });

  it('Anthropic long-context request bills every token at the long-context rate', () => {
    const usage = usageFromAnthropic({ input_tokens: 250_000, output_tokens: 1000 });
    const r = priceUsage(book, { provider: 'anthropic', model: 'claude-sonnet-4-20250514', usage, at });
    // 250_000 × 6000 = 1_500_000_000; 1000 × 22_500 = 22_500_000
    expect(r.nanos).toBe(1_522_500_000n);
    expect(r.explanation.note).toContain('long-context');
  });

  it('Anthropic Message Batches are half price (claude-3-5-haiku on Bedrock)', () => {
    const usage = usageFromAnthropic({ input_tokens: 1000, output_tokens: 200 });
    const r = priceUsage(book, { provider: 'aws.bedrock', model: 'anthropic.claude-3-5-haiku-20241022-v1:0', usage, at, serviceTier: 'batch' });
    // (1000 × 800 + 200 × 4000) / 2 = 1_600_000 / 2
    expect(r.nanos).toBe(800_000n);
  });

  it('Gemini usageMetadata with context cache and thinking tokens (gemini-2.5-pro)', () => {
    const usage = usageFromGemini({
      promptTokenCount: 12_000,
      candidatesTokenCount: 800,
      thoughtsTokenCount: 1500,
      cachedContentTokenCount: 8000,
      totalTokenCount: 14_300,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12_000 }],
    });
    expect(usage).toMatchObject({ inputTokens: 12_000, outputTokens: 2300, reasoningTokens: 1500, cacheReadTokens: 8000 });
    const r = priceUsage(book, { provider: 'gcp.gemini', model: 'models/gemini-2.5-pro', usage, at });
    // 4000 × 1250 = 5_000_000; 8000 × 125 = 1_000_000; 800 × 10_000 = 8_000_000; thoughts 1500 × 10_000 = 15_000_000
    expect(r.nanos).toBe(29_000_000n);
  });

  it('Gemini audio input is billed at the audio rate (gemini-2.5-flash)', () => {
    const usage = usageFromGemini({
      promptTokenCount: 3000,
      candidatesTokenCount: 400,
      totalTokenCount: 3400,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1000 }, { modality: 'AUDIO', tokenCount: 2000 }],
    });
    const r = priceUsage(book, { provider: 'gcp.vertex_ai', model: 'gemini-2.5-flash', usage, at });
    // text 1000 × 300 = 300_000; audio 2000 × 1000 = 2_000_000; output 400 × 2500 = 1_000_000
    expect(r.nanos).toBe(3_300_000n);
  });

  it('OpenAI embeddings', () => {
    const usage = usageFromOpenAIEmbeddings({ prompt_tokens: 8191, total_tokens: 8191 });
    // 8191 × 20 = 163_820
    expect(priceUsage(book, { provider: 'openai', model: 'text-embedding-3-small', usage, at }).nanos).toBe(163_820n);
  });

  it('a vLLM server priced per GPU-hour, and unpriced without an override', () => {
    const payload = { prompt_tokens: 812, completion_tokens: 96, total_tokens: 908, prompt_tokens_details: null };
    const usage = usageFromVllm(payload, 1234);
    const req = { provider: 'openai', model: 'meta-llama/Llama-3.1-8B-Instruct', usage, at };
    const bare = priceUsage(book, req);
    expect(bare.nanos).toBeNull();
    expect(bare.source).toBe('unpriced');
    const gpu: PriceOverride = {
      id: 'gpu1', kind: 'gpu_hour', provider: '*', model: 'meta-llama/Llama-3.1-8B-Instruct',
      effectiveFrom: '2025-01-01T00:00:00.000Z', hourlyUsd: 2.49, concurrency: 8,
    };
    const r = priceUsage(createPriceBook({ overrides: [gpu] }), req);
    // 1234 ms × 2_490_000_000 nano/h ÷ (3_600_000 ms/h × 8) = 3_072_660_000_000 / 28_800_000 = 106_689.58 → 106_690
    expect(r.nanos).toBe(106_690n);
    expect(r.explanation.source).toBe('self-hosted');
    expect(r.explanation.lines[0]).toMatchObject({ usageType: 'gpu_seconds', quantity: 1.234, unitPriceUsd: 2.49 });
  });

  it('DeepSeek cache hits, priced as billed on the day (price history)', () => {
    const usage = usageFromOpenAI({ prompt_tokens: 1000, prompt_cache_hit_tokens: 600, prompt_cache_miss_tokens: 400, completion_tokens: 500 });
    const req = { provider: 'deepseek', model: 'deepseek-chat', usage };
    // V3.2 (from 2025-09-29): 400 × 280 = 112_000; 600 × 28 = 16_800; 500 × 420 = 210_000
    expect(priceUsage(book, { ...req, at }).nanos).toBe(338_800n);
    // launch prices: 400 × 270 = 108_000; 600 × 70 = 42_000; 500 × 1100 = 550_000
    expect(priceUsage(book, { ...req, at: new Date('2025-08-01T00:00:00Z') }).nanos).toBe(700_000n);
  });

  it('an explicit cost wins and is marked as such', () => {
    const usage = usageFromOpenAI({ prompt_tokens: 10, completion_tokens: 10 });
    const r = priceUsage(book, { provider: 'openai', model: 'gpt-4o', usage, at, explicitCostUsd: 0.0123 });
    expect(r).toMatchObject({ nanos: 12_300_000n, source: 'explicit' });
    expect(r.explanation.source).toBe('explicit');
    const bad = priceUsage(book, { provider: 'openai', model: 'gpt-4o', usage, at, explicitCostUsd: Number.NaN });
    // 10 × 2500 + 10 × 10_000
    expect(bad).toMatchObject({ nanos: 125_000n, source: 'priced' });
    expect(bad.explanation.note).toContain('explicit cost ignored');
    expect(priceUsage(book, { provider: 'openai', model: 'gpt-4o', usage, at, explicitCostUsd: 1e308 }).source).toBe('priced');
  });

  it('sums in nano-dollars without float drift', () => {
    const usage = usageFromOpenAI({ prompt_tokens: 1, completion_tokens: 0 });
    // gpt-4o-mini: one input token is 150 nano-dollars; a million of them is exactly $0.15.
    let nanos = 0n;
    let floats = 0;
    for (let i = 0; i < 1_000; i++) {
      const r = priceUsage(book, { provider: 'openai', model: 'gpt-4o-mini', usage, at });
      nanos += r.nanos ?? 0n;
      floats += r.explanation.totalUsd ?? 0;
    }
    expect(nanos).toBe(150_000n);
    expect(floats).not.toBe(0.00015); // the drift integer arithmetic avoids
  });
});
