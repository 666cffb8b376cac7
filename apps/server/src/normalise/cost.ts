import type { CostSource, SpanRow } from '@sightline/contracts';
import { priceUsage, type CostResult, type PriceBook, type PriceRequest, type Usage } from '@sightline/pricing';

function attrInt(attrs: Record<string, string>, key: string): number {
  const n = Number(attrs[key]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Whole milliseconds of a nanosecond decimal string (floor), without a BigInt per span. */
function millisOf(nanos: string): number {
  if (!/^\d+$/.test(nanos)) return 0;
  return nanos.length > 6 ? Number(nanos.slice(0, -6)) : 0;
}

/**
 * The pricing question for a stored span, built from its columns only, so ingest, re-costing and the
 * API's explanation all ask exactly the same question of the price book.
 */
export function priceRequestForRow(row: Pick<SpanRow, 'Provider' | 'RequestModel' | 'ResponseModel' | 'InputTokens' | 'OutputTokens' | 'CacheReadTokens' | 'CacheWriteTokens' | 'ReasoningTokens' | 'Duration' | 'ServiceTier' | 'Timestamp' | 'SpanAttributes'>): PriceRequest {
  const usage: Usage = {
    inputTokens: row.InputTokens,
    outputTokens: row.OutputTokens,
    cacheReadTokens: row.CacheReadTokens,
    cacheWriteTokens: row.CacheWriteTokens,
    reasoningTokens: row.ReasoningTokens,
    durationMs: row.Duration / 1e6,
  };
  // GPU time the application measured itself beats wall time (queueing, streaming to a slow client).
  const gpuSeconds = Number(row.SpanAttributes['sightline.gpu.seconds'] ?? '');
  if (row.SpanAttributes['sightline.gpu.seconds'] !== undefined && Number.isFinite(gpuSeconds) && gpuSeconds >= 0) usage.durationMs = gpuSeconds * 1000;
  const audioIn = attrInt(row.SpanAttributes, 'llm.token_count.prompt_details.audio');
  const audioOut = attrInt(row.SpanAttributes, 'llm.token_count.completion_details.audio');
  if (audioIn > 0) usage.audioInputTokens = audioIn;
  if (audioOut > 0) usage.audioOutputTokens = audioOut;
  const req: PriceRequest = {
    provider: row.Provider,
    model: row.ResponseModel || row.RequestModel,
    usage,
    at: new Date(millisOf(row.Timestamp)),
  };
  if (row.ServiceTier !== '') req.serviceTier = row.ServiceTier;
  const explicit = row.SpanAttributes['sightline.cost.usd'];
  if (explicit !== undefined && explicit.trim() !== '') req.explicitCostUsd = Number(explicit);
  return req;
}

export interface RowCost {
  CostNanos: number;
  CostSource: CostSource | '';
  result: CostResult | null;
  diagnostics: string[];
}

/**
 * Cost columns for a span. `modelCall` says whether the span is a model call (LLM or embedding
 * class, or any span reporting usage); other spans are only costed when they carry an explicit cost.
 */
export function costForRow(book: PriceBook, row: Parameters<typeof priceRequestForRow>[0], modelCall: boolean, usagePresent: boolean): RowCost {
  const req = priceRequestForRow(row);
  const diagnostics: string[] = [];
  if (req.explicitCostUsd !== undefined && !(Number.isFinite(req.explicitCostUsd) && req.explicitCostUsd >= 0 && req.explicitCostUsd <= 1e6)) {
    diagnostics.push('cost.invalid: sightline.cost.usd is not a number between 0 and 1e6 (ignored)');
  }
  if (!modelCall && req.explicitCostUsd === undefined) return { CostNanos: 0, CostSource: '', result: null, diagnostics };
  const result = priceUsage(book, req);
  if (!modelCall && result.source !== 'explicit') return { CostNanos: 0, CostSource: '', result: null, diagnostics };
  if (result.source === 'unpriced' || result.nanos === null) {
    diagnostics.push(`cost.unpriced: no price for ${req.provider || '?'}/${req.model || '?'}`);
    return { CostNanos: 0, CostSource: 'unpriced', result, diagnostics };
  }
  const gpuPriced = result.explanation.lines.some((l) => l.usageType === 'gpu_seconds');
  if (result.source === 'priced' && !usagePresent && !gpuPriced) return { CostNanos: 0, CostSource: '', result: null, diagnostics };
  return { CostNanos: Number(result.nanos), CostSource: result.source, result, diagnostics };
}
