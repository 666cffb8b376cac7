// Cost engine benchmark: pricing one call, normalising OTLP spans, and re-costing stored spans.
// Run: pnpm tsx --conditions=@sightline/source bench/cost.ts [--spans=N] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { SpanRow } from '../packages/contracts/src/index.ts';
import { createPriceBook, priceUsage, type Usage } from '../packages/pricing/src/index.ts';
import { insertSpans, migrate, openDriver } from '../packages/storage/src/index.ts';
import { OverrideStore } from '../apps/server/src/cost/override-store.ts';
import { PriceBooks } from '../apps/server/src/cost/price-books.ts';
import { overrideMatcher } from '../apps/server/src/cost/price-rows.ts';
import { recostSpans } from '../apps/server/src/cost/recost.ts';
import type { DecodedResourceSpans, DecodedSpan } from '../apps/server/src/ingest/decoded-span.ts';
import { normaliseResourceSpans } from '../apps/server/src/normalise/index.ts';
import { cliArg } from './bench-env.ts';

export interface CostBenchFigures {
  priceUsageMicros: number;
  normaliseMicrosPerSpan: number;
  normaliseSpansPerSec: number;
  recostSpans: number;
  recostMs: number;
  recostSpansPerSec: number;
}

const MODELS = ['gpt-4o-2024-08-06', 'gpt-4o-mini', 'claude-sonnet-4-20250514', 'models/gemini-2.5-pro', 'o4-mini-2025-04-16', 'house-model'];
const PROVIDERS = ['openai', 'openai', 'anthropic', 'gcp.gemini', 'openai', 'openai'];
const usage: Usage = { inputTokens: 1800, outputTokens: 350, cacheReadTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 120 };
const content = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(2000) }] }]);

function otlpSpan(i: number, startMs: number): DecodedSpan {
  const start = BigInt(startMs) * 1_000_000n;
  return {
    traceId: (i + 1).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: '', traceState: '',
    name: 'chat', kind: 3, startTimeUnixNano: start.toString(), endTimeUnixNano: (start + 900_000_000n).toString(),
    attributes: {
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': PROVIDERS[i % 6] ?? 'openai', 'sightline.sdk.version': '0.1.0',
      'gen_ai.request.model': MODELS[i % 6] ?? 'gpt-4o', 'gen_ai.response.model': MODELS[i % 6] ?? 'gpt-4o',
      'gen_ai.usage.input_tokens': 1800, 'gen_ai.usage.output_tokens': 350, 'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.input.messages': content, 'gen_ai.output.messages': content, 'sightline.user.id': `u${i % 50}`,
    },
    events: [], links: [], statusCode: 1, statusMessage: '',
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function runCostBench(opts: { spans?: number; log?: ((l: string) => void) | undefined } = {}): Promise<CostBenchFigures> {
  const n = opts.spans ?? 50_000;
  const log = opts.log ?? (() => undefined);
  const book = createPriceBook();
  const at = new Date();

  const priceRuns: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    for (let i = 0; i < 20_000; i++) priceUsage(book, { provider: PROVIDERS[i % 6] ?? '', model: MODELS[i % 6] ?? '', usage, at });
    priceRuns.push(((performance.now() - t) * 1000) / 20_000);
  }
  const priceUsageMicros = median(priceRuns);
  log(`priceUsage: ${priceUsageMicros.toFixed(2)} µs per call (median of 7 × 20k, mixed models incl. snapshots and one unpriced)`);

  const startMs = Date.now() - 3_600_000;
  const rs: DecodedResourceSpans = { resourceAttributes: { 'service.name': 'bench' }, scopeSpans: [{ scopeName: 's', scopeVersion: '1', spans: Array.from({ length: n }, (_, i) => otlpSpan(i, startMs + (i % 3_000_000))) }] };
  // Three passes (the first includes JIT warm-up); the median is the steady figure.
  let rows: SpanRow[] = [];
  const passes: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    rows = normaliseResourceSpans(rs, { projectId: 'bench', priceBook: book }).rows;
    passes.push(performance.now() - t0);
  }
  const normaliseMs = median(passes);
  const normaliseMicrosPerSpan = (normaliseMs * 1000) / n;
  log(`normalise: ${normaliseMicrosPerSpan.toFixed(1)} µs per span (${Math.round(n / (normaliseMs / 1000))} spans/s on one core, median of 3 passes, spans with two ~2 KB content attributes)`);

  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-cost-bench-'));
  const driver = await openDriver({ mode: 'embedded', dataDir, database: 'bench' });
  try {
    await migrate(driver);
    for (let i = 0; i < rows.length; i += 10_000) await insertSpans(driver, rows.slice(i, i + 10_000));
    const store = new OverrideStore(driver);
    const saved = await store.put('bench', { kind: 'per_token', provider: 'openai', model: 'gpt-4o-mini', effectiveFrom: '2020-01-01', rates: { input: 0.1, output: 0.4 } });
    const moved = rows.filter((r) => r.ResponseModel === 'gpt-4o-mini').length;
    const t1 = performance.now();
    const result = await recostSpans(driver, await new PriceBooks(store).get('bench'), 'bench', { from: new Date(2020, 0, 1), match: overrideMatcher([saved.override], {}) });
    const recostMs = performance.now() - t1;
    if (result.changed !== moved) throw new Error(`recost changed ${result.changed} spans, expected ${moved}`);
    log(`recost: ${result.changed} of ${n} stored spans re-priced with rollups rebuilt in ${Math.round(recostMs)} ms (${Math.round(result.changed / (recostMs / 1000))} spans/s)`);
    return {
      priceUsageMicros, normaliseMicrosPerSpan, normaliseSpansPerSec: Math.round(n / (normaliseMs / 1000)),
      recostSpans: result.changed, recostMs: Math.round(recostMs), recostSpansPerSec: Math.round(result.changed / (recostMs / 1000)),
    };
  } finally {
    await driver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const json = process.argv.includes('--json');
  const figures = await runCostBench({ spans: Number(cliArg('spans') ?? 50_000), log: json ? undefined : (l) => console.log(l) });
  if (json) console.log(JSON.stringify(figures));
}
