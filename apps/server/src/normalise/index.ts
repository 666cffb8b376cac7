import { MAX_CONTENT_BYTES, type SpanClass, type SpanEventRow, type SpanRow, type StatusCode } from '@sightline/contracts';
import type { PriceBook } from '@sightline/pricing';
import type { DecodedResourceSpans, DecodedSpan, DecodedScopeSpans } from '../ingest/decoded-span.ts';
import { num, str, stringifyAttributes } from './attributes.ts';
import { EVENT_CONTENT_KEYS, extractContent } from './content.ts';
import { detectConvention, operationName, spanClass } from './convention.ts';
import { costForRow } from './cost.ts';
import { failureClass } from './failure.ts';
import * as F from './fields.ts';
import { extractUsage, modelsOf, providerOf } from './usage.ts';
import { capBytes } from './truncate.ts';

export interface NormaliseContext {
  projectId: string;
  priceBook: PriceBook;
  maxContentBytes?: number;
}

export interface NormaliseResult {
  rows: SpanRow[];
  rejected: { spanId: string; reason: string }[];
}

const KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS: StatusCode[] = ['Unset', 'Ok', 'Error'];
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const NANOS = /^\d{1,19}$/;
const MAX_TIME_NS = '9223372036854775807';

/** Why a span cannot be stored, or null. The rest of its batch is stored all the same. */
export function invalidSpanReason(s: DecodedSpan): string | null {
  if (!TRACE_ID.test(s.traceId) || /^0+$/.test(s.traceId)) return `invalid trace id "${s.traceId.slice(0, 64)}"`;
  if (!SPAN_ID.test(s.spanId) || /^0+$/.test(s.spanId)) return `invalid span id "${s.spanId.slice(0, 32)}"`;
  if (s.parentSpanId !== '' && !SPAN_ID.test(s.parentSpanId)) return `invalid parent span id "${s.parentSpanId.slice(0, 32)}"`;
  if (!NANOS.test(s.startTimeUnixNano) || !NANOS.test(s.endTimeUnixNano)) return 'invalid start or end time';
  // DateTime64(9) ends in 2262: later times are corrupt and would fail the whole insert.
  if (compareDecimal(s.endTimeUnixNano, MAX_TIME_NS) > 0) return 'start or end time out of range';
  if (compareDecimal(s.endTimeUnixNano, s.startTimeUnixNano) < 0) return 'end time before start time';
  return null;
}

/**
 * Compares two unsigned decimal strings by value without BigInt (parsing three 19-digit BigInts per
 * span was a visible share of normalising): fewer significant digits is smaller, equal lengths
 * compare as text.
 */
export function compareDecimal(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripZeros(d: string): string {
  let i = 0;
  while (i < d.length - 1 && d.charCodeAt(i) === 0x30) i++;
  return i === 0 ? d : d.slice(i);
}

/** end − start in nanoseconds as a number, from decimal strings (exact below 2^53 ns, ~104 days). */
export function nanosBetween(start: string, end: string): number {
  return (secondsPart(end) - secondsPart(start)) * 1e9 + (nanosPart(end) - nanosPart(start));
}

function secondsPart(d: string): number {
  return d.length > 9 ? Number(d.slice(0, -9)) : 0;
}

function nanosPart(d: string): number {
  return Number(d.length > 9 ? d.slice(-9) : d);
}

/**
 * OTLP resource spans → typed span rows: convention detection, usage in one meaning, content lifted
 * into the content columns (and out of the attributes), failure class, cost, ingest diagnostics.
 */
export function normaliseResourceSpans(rs: DecodedResourceSpans, ctx: NormaliseContext): NormaliseResult {
  const rows: SpanRow[] = [];
  const rejected: NormaliseResult['rejected'] = [];
  const resource = stringifyAttributes(rs.resourceAttributes);
  for (const ss of rs.scopeSpans) {
    for (const span of ss.spans) {
      const reason = invalidSpanReason(span);
      if (reason !== null) {
        rejected.push({ spanId: span.spanId, reason });
        continue;
      }
      rows.push(normaliseSpan(span, ss, rs, resource, ctx));
    }
  }
  return { rows, rejected };
}

function normaliseSpan(s: DecodedSpan, ss: DecodedScopeSpans, rs: DecodedResourceSpans, resource: Record<string, string>, ctx: NormaliseContext): SpanRow {
  const a = s.attributes;
  const diagnostics: string[] = [];
  const convention = detectConvention(a, s.events, ss.scopeName);
  const operation = operationName(a, convention);
  const provider = providerOf(a);
  const models = modelsOf(a);
  const model = models.response || models.request;
  const extracted = extractUsage(a, convention, provider, model);
  const cls: SpanClass = spanClass(a, operation, model !== '' && extracted.present);
  // Wrapper spans (Vercel's ai.generateText, agents, chains) report the sum of their model calls:
  // typed usage stays on the calls so spend is never counted twice.
  const modelCall = cls === 'llm' || cls === 'embedding' || (cls === 'other' && model !== '' && extracted.present);
  const usage = modelCall ? extracted.usage : { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  const failure = failureClass(a, s.events, s.statusCode, s.statusMessage, cls);
  // A failed call has no usage and often no response model: saying so would only be noise.
  const completed = failure === '' || failure === 'validation';
  if (modelCall) {
    diagnostics.push(...extracted.diagnostics);
    if (!extracted.present && cls === 'llm' && completed) {
      diagnostics.push(F.isStreaming(a, s.name) ? 'usage.missing: stream without include_usage' : 'usage.missing: no token counts');
    }
    if (models.request === '' && models.response === '') diagnostics.push('model.missing: no model');
    else if (models.response === '' && cls === 'llm' && completed) diagnostics.push('model.missing: no response model');
    if (provider === '') diagnostics.push('provider.missing: no provider');
  }
  for (const d of F.sdkDiagnostics(a)) if (!diagnostics.includes(d)) diagnostics.push(d);

  const content = extractContent(a, s.events, cls);
  const max = ctx.maxContentBytes ?? MAX_CONTENT_BYTES;
  const input = capBytes(content.input ?? '', max);
  const output = capBytes(content.output ?? '', max);
  // The SDK lists the attributes it cut; only those that became content columns mark ContentTruncated.
  const sdkTruncated = str(a, 'sightline.truncated').split(',').some((k) => content.consumed.has(k.trim()));
  if (input.truncated) diagnostics.push('content.truncated: input over the size cap');
  if (output.truncated) diagnostics.push('content.truncated: output over the size cap');

  const prompt = F.promptOf(a);
  const attempt = num(a, 'sightline.attempt');
  const row: SpanRow = {
    ProjectId: ctx.projectId,
    Timestamp: s.startTimeUnixNano,
    TraceId: s.traceId,
    SpanId: s.spanId,
    // Some exporters send an all-zero parent for a root span.
    ParentSpanId: /^0+$/.test(s.parentSpanId) ? '' : s.parentSpanId,
    TraceState: s.traceState,
    SpanName: s.name,
    SpanKind: KINDS[s.kind] ?? 'Unspecified',
    ServiceName: resource['service.name'] ?? '',
    ResourceAttributes: resource,
    ScopeName: ss.scopeName,
    ScopeVersion: ss.scopeVersion,
    SpanAttributes: stringifyAttributes(a, content.consumed),
    Duration: nanosBetween(s.startTimeUnixNano, s.endTimeUnixNano),
    StatusCode: STATUS[s.statusCode] ?? 'Unset',
    StatusMessage: s.statusMessage,
    Events: s.events.map((e, i): SpanEventRow => {
      const skip = content.consumedEvents.has(i) ? EVENT_CONTENT_KEYS : undefined;
      return { Timestamp: e.timeUnixNano, Name: e.name, Attributes: stringifyAttributes(e.attributes, skip) };
    }),
    Links: s.links.map((l) => ({ TraceId: l.traceId, SpanId: l.spanId, TraceState: l.traceState, Attributes: stringifyAttributes(l.attributes) })),
    SpanClass: cls,
    OperationName: operation,
    Provider: provider,
    RequestModel: models.request,
    ResponseModel: models.response,
    InputTokens: usage.inputTokens,
    OutputTokens: usage.outputTokens,
    CacheReadTokens: usage.cacheReadTokens,
    CacheWriteTokens: usage.cacheWriteTokens,
    ReasoningTokens: usage.reasoningTokens,
    TtftMs: F.ttftMsOf(a),
    FinishReasons: F.finishReasonsOf(a),
    FailureClass: failure,
    PromptName: prompt.name,
    PromptVersion: prompt.version,
    UserId: F.userIdOf(a),
    SessionId: F.sessionIdOf(a),
    Environment: F.environmentOf(rs.resourceAttributes),
    AppVersion: str(rs.resourceAttributes, 'service.version'),
    ServiceTier: F.serviceTierOf(a),
    ToolName: F.toolNameOf(a),
    Attempt: attempt !== undefined && Number.isInteger(attempt) && attempt > 0 ? attempt : 0,
    ValidationStatus: str(a, 'sightline.validation.status'),
    InputContent: input.text,
    OutputContent: output.text,
    ContentTruncated: input.truncated || output.truncated || sdkTruncated ? 1 : 0,
    CostNanos: 0,
    CostSource: '',
    Convention: convention,
    Diagnostics: diagnostics,
  };
  const cost = costForRow(ctx.priceBook, row, modelCall, extracted.present);
  row.CostNanos = cost.CostNanos;
  row.CostSource = cost.CostSource;
  row.Diagnostics.push(...cost.diagnostics);
  return row;
}
