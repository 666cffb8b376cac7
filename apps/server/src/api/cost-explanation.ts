import type { SpanDetail, TraceDetailResponse } from '@sightline/contracts';
import { priceUsage, type PriceBook } from '@sightline/pricing';
import { priceRequestForRow } from '../normalise/cost.ts';

/**
 * Fills `costExplanation` of every costed span by asking the price book the same question ingest
 * asked (priceRequestForRow). The stored cost stays the truth for sums; when today's book answers
 * differently (an override added since), the explanation says so instead of silently disagreeing.
 */
export function withCostExplanations(detail: TraceDetailResponse, book: PriceBook): TraceDetailResponse {
  return { ...detail, spans: detail.spans.map((span) => explainSpan(span, book)) };
}

function explainSpan(span: SpanDetail, book: PriceBook): SpanDetail {
  if (span.costStatus === null) return span;
  const result = priceUsage(
    book,
    priceRequestForRow({
      Provider: span.provider,
      RequestModel: span.requestModel,
      ResponseModel: span.responseModel,
      InputTokens: span.inputTokens,
      OutputTokens: span.outputTokens,
      CacheReadTokens: span.cachedInputTokens,
      CacheWriteTokens: span.cacheWriteTokens,
      ReasoningTokens: span.reasoningTokens,
      Duration: Math.round(span.durationMs * 1e6),
      ServiceTier: span.serviceTier,
      Timestamp: span.startTimeUnixNano,
      SpanAttributes: span.attributes,
    }),
  );
  const explanation = { ...result.explanation };
  const storedNanos = span.costUsd === null ? null : Math.round(span.costUsd * 1e9);
  const currentNanos = result.nanos === null ? null : Number(result.nanos);
  if (storedNanos !== currentNanos) {
    const stored = span.costUsd === null ? 'unpriced' : `$${span.costUsd}`;
    const drift = `recorded at ingest as ${stored}; the current price book gives ${currentNanos === null ? 'no price' : `$${currentNanos / 1e9}`}`;
    explanation.note = explanation.note === null ? drift : `${explanation.note}; ${drift}`;
  }
  return { ...span, costExplanation: explanation };
}
