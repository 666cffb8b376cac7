import { describe, expect, it } from 'vitest';
import { parsePricesFile, PricesFileError, type PriceOverride } from './overrides.ts';
import { createPriceBook, listPricedModels } from './price-book.ts';
import { priceUsage } from './price-usage.ts';
import { PRICE_TABLE_DATE } from './table/index.ts';
import type { Usage } from './types.ts';

const usage: Usage = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

const override = (o: Partial<PriceOverride> & Pick<PriceOverride, 'id' | 'effectiveFrom'>): PriceOverride =>
  ({ kind: 'per_token', provider: 'openai', model: 'gpt-4o', rates: { input: 2, output: 8 }, ...o }) as PriceOverride;

describe('price book', () => {
  it('applies a project override from its effective date only, to every snapshot of the model', () => {
    const book = createPriceBook({ overrides: [override({ id: 'o1', effectiveFrom: '2025-10-01T00:00:00.000Z' })] });
    const before = priceUsage(book, { provider: 'openai', model: 'gpt-4o-2024-08-06', usage, at: new Date('2025-09-30T23:59:59Z') });
    const after = priceUsage(book, { provider: 'openai', model: 'gpt-4o-2024-08-06', usage, at: new Date('2025-10-01T00:00:00Z') });
    // bundled: 1000 × 2500 + 100 × 10_000 = 3_500_000; override: 1000 × 2000 + 100 × 8000 = 2_800_000
    expect(before.nanos).toBe(3_500_000n);
    expect(before.explanation.source).toBe('bundled');
    expect(after.nanos).toBe(2_800_000n);
    expect(after.explanation).toMatchObject({ source: 'override', effectiveFrom: '2025-10-01T00:00:00.000Z', priceKey: 'openai/gpt-4o' });
  });

  it('takes the latest override in force and lists it in the effective table', () => {
    const book = createPriceBook({
      overrides: [
        override({ id: 'a', effectiveFrom: '2025-01-01T00:00:00.000Z' }),
        override({ id: 'b', effectiveFrom: '2025-06-01T00:00:00.000Z', rates: { input: 1, output: 4 } }),
      ],
    });
    const r = priceUsage(book, { provider: 'openai', model: 'gpt-4o', usage, at: new Date('2025-07-01T00:00:00Z') });
    expect(r.nanos).toBe(1000n * 1000n + 100n * 4000n);
    const table = book.effectiveTable(new Date('2025-07-01T00:00:00Z'));
    const overrides = table.filter((row) => row.origin === 'override');
    expect(overrides.map((row) => row.kind === 'per_token' && row.overrideId)).toEqual(['b']);
    expect(table.some((row) => row.key === 'anthropic/claude-sonnet-4')).toBe(true);
  });

  it('keeps a provider-specific override to that provider', () => {
    const azure = override({ id: 'az', provider: 'azure.ai.openai', effectiveFrom: '2025-01-01T00:00:00.000Z', rates: { input: 3, output: 12 } });
    const book = createPriceBook({ overrides: [azure] });
    const at = new Date('2025-06-01T00:00:00Z');
    // Azure calls: 1000 × 3000 + 100 × 12_000; OpenAI calls keep the table: 1000 × 2500 + 100 × 10_000
    expect(priceUsage(book, { provider: 'azure.ai.openai', model: 'gpt-4o-2024-11-20', usage, at }).nanos).toBe(4_200_000n);
    expect(priceUsage(book, { provider: 'openai', model: 'gpt-4o', usage, at }).nanos).toBe(3_500_000n);
    expect(priceUsage(book, { provider: 'azure.ai.openai', model: 'gpt-4o', usage, at }).explanation.priceKey).toBe('azure.ai.openai/gpt-4o');
  });

  it('maps Azure deployment names to models', () => {
    const book = createPriceBook({ azureDeployments: { 'prod-chat-4o': 'gpt-4o-mini' } });
    const r = priceUsage(book, { provider: 'azure.ai.openai', model: 'prod-chat-4o', usage, at: new Date() });
    // 1000 × 150 + 100 × 600
    expect(r.nanos).toBe(210_000n);
    expect(priceUsage(createPriceBook(), { provider: 'azure.ai.openai', model: 'prod-chat-4o', usage, at: new Date() }).source).toBe('unpriced');
  });

  it('reports an unpriced model with a reason, never $0', () => {
    const r = priceUsage(createPriceBook(), { provider: 'vllm', model: 'my-finetune', usage, at: new Date() });
    expect(r).toMatchObject({ nanos: null, source: 'unpriced' });
    expect(r.explanation.note).toContain('vllm/my-finetune');
  });

  it('keeps a GPU-hour model unpriced when the call has no duration', () => {
    const gpu = { id: 'g', kind: 'gpu_hour', provider: '*', model: 'llama', effectiveFrom: '2025-01-01T00:00:00.000Z', hourlyUsd: 2, concurrency: 1 } as const;
    const r = priceUsage(createPriceBook({ overrides: [gpu] }), { provider: 'vllm', model: 'llama', usage, at: new Date() });
    expect(r.source).toBe('unpriced');
    // 3600 s at $2/h on one GPU is $2
    const full = priceUsage(createPriceBook({ overrides: [gpu] }), { provider: 'vllm', model: 'llama', usage: { ...usage, durationMs: 3_600_000 }, at: new Date() });
    expect(full.nanos).toBe(2_000_000_000n);
  });

  it('lists the bundled table with its date', () => {
    expect(PRICE_TABLE_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const keys = listPricedModels().map((m) => m.key);
    for (const k of ['openai/gpt-4o', 'anthropic/claude-3-5-haiku', 'google/gemini-2.5-pro', 'mistral/mistral-large', 'deepseek/deepseek-chat', 'xai/grok-4', 'openai/text-embedding-3-small']) {
      expect(keys).toContain(k);
    }
  });
});

describe('prices file', () => {
  it('parses overrides and Azure deployments', () => {
    const file = parsePricesFile(
      JSON.stringify({
        overrides: [
          { kind: 'per_token', provider: 'openai', model: 'gpt-4o', effectiveFrom: '2025-06-01', rates: { input: 2, output: 8 } },
          { kind: 'gpu_hour', model: 'meta-llama/Llama-3.1-8B-Instruct', effectiveFrom: '2025-06-01T00:00:00Z', hourlyUsd: 2.49, concurrency: 8, projectId: 'p1' },
        ],
        azureDeployments: { 'prod-4o': 'gpt-4o' },
      }),
      'prices.json',
    );
    expect(file.overrides[0]).toMatchObject({ id: 'file-1', effectiveFrom: '2025-06-01T00:00:00.000Z' });
    expect(file.overrides[1]).toMatchObject({ id: 'file-2', provider: '*', projectId: 'p1', concurrency: 8 });
    expect(file.azureDeployments).toEqual({ 'prod-4o': 'gpt-4o' });
  });

  it('names every bad key', () => {
    const text = JSON.stringify({
      overrides: [
        { kind: 'per_token', model: 'gpt-4o', effectiveFrom: 'yesterday', rates: { input: -1, output: 8, outptu: 3 } },
        { kind: 'gpu_hour', model: 'x', effectiveFrom: '2025-01-01' },
      ],
    });
    let error: unknown;
    try {
      parsePricesFile(text, 'prices.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PricesFileError);
    const paths = (error as PricesFileError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['overrides[0].effectiveFrom', 'overrides[0].rates.input', 'overrides[0].rates', 'overrides[1].hourlyUsd']));
    expect((error as Error).message).toContain('prices.json');
    expect(() => parsePricesFile('{not json', 'p.json')).toThrow(/p\.json: not valid JSON/);
  });
});
