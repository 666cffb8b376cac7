import type { SpanRow, StatusCode } from '@sightline/contracts';
import type { AttributeValue, Attributes, DecodedResourceSpans } from './decoded-span.ts';
import type { Normaliser } from './to-rows.ts';

/**
 * A plain OTLP → SpanRow mapping with no LLM semantics (no convention detection, no pricing).
 * It stands in until the cost part's normaliser (apps/server/src/normalise) is wired in main.ts, so
 * ingest stays usable and testable on its own; every span it produces says Convention 'unknown'.
 */

const KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS: StatusCode[] = ['Unset', 'Ok', 'Error'];

export const fallbackNormalise: Normaliser = (rs: DecodedResourceSpans, { projectId }) => {
  const resource = stringify(rs.resourceAttributes);
  const rows: SpanRow[] = [];
  for (const ss of rs.scopeSpans) {
    for (const s of ss.spans) {
      const attrs = stringify(s.attributes);
      const duration = BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano);
      rows.push({
        ProjectId: projectId,
        Timestamp: s.startTimeUnixNano,
        TraceId: s.traceId,
        SpanId: s.spanId,
        ParentSpanId: s.parentSpanId === '0000000000000000' ? '' : s.parentSpanId,
        TraceState: s.traceState,
        SpanName: s.name,
        SpanKind: KINDS[s.kind] ?? 'Unspecified',
        ServiceName: resource['service.name'] ?? '',
        ResourceAttributes: resource,
        ScopeName: ss.scopeName,
        ScopeVersion: ss.scopeVersion,
        SpanAttributes: attrs,
        Duration: duration > 0n ? Number(duration) : 0,
        StatusCode: STATUS[s.statusCode] ?? 'Unset',
        StatusMessage: s.statusMessage,
        Events: s.events.map((e) => ({ Timestamp: e.timeUnixNano, Name: e.name, Attributes: stringify(e.attributes) })),
        Links: s.links.map((l) => ({ TraceId: l.traceId, SpanId: l.spanId, TraceState: l.traceState, Attributes: stringify(l.attributes) })),
        SpanClass: 'other',
        OperationName: attrs['gen_ai.operation.name'] ?? '',
        Provider: attrs['gen_ai.provider.name'] ?? attrs['gen_ai.system'] ?? '',
        RequestModel: attrs['gen_ai.request.model'] ?? '',
        ResponseModel: attrs['gen_ai.response.model'] ?? '',
        InputTokens: count(attrs['gen_ai.usage.input_tokens']),
        OutputTokens: count(attrs['gen_ai.usage.output_tokens']),
        CacheReadTokens: 0,
        CacheWriteTokens: 0,
        ReasoningTokens: 0,
        TtftMs: null,
        FinishReasons: [],
        FailureClass: '',
        PromptName: '',
        PromptVersion: '',
        UserId: '',
        SessionId: '',
        Environment: '',
        AppVersion: '',
        ServiceTier: '',
        ToolName: '',
        Attempt: 0,
        ValidationStatus: '',
        InputContent: '',
        OutputContent: '',
        ContentTruncated: 0,
        CostNanos: 0,
        CostSource: '',
        Convention: 'unknown',
        Diagnostics: [],
      });
    }
  }
  return { rows, rejected: [] };
};

function count(v: string | undefined): number {
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

export function stringify(attrs: Attributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (k === '__proto__') Object.defineProperty(out, k, { value: valueText(v), enumerable: true, writable: true, configurable: true });
    else out[k] = valueText(v);
  }
  return out;
}

function valueText(v: AttributeValue): string {
  if (typeof v === 'string') return v;
  if (v === null) return '';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x));
  return String(v);
}
