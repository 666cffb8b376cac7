import type { SpanRow } from '@sightline/contracts';

/**
 * A complete `SpanRow` with neutral defaults, for tests and benches that seed storage directly.
 * `startMs`/`durationMs` are the convenient way to place a span; `Timestamp`/`Duration` win if set.
 */
export function makeSpanRow(
  fields: Partial<SpanRow> & { ProjectId: string; TraceId: string; SpanId: string; startMs?: number; durationMs?: number },
): SpanRow {
  const { startMs = Date.now(), durationMs = 10, ...rest } = fields;
  return {
    Timestamp: `${BigInt(Math.round(startMs)) * 1_000_000n}`,
    ParentSpanId: '',
    TraceState: '',
    SpanName: 'span',
    SpanKind: 'Internal',
    ServiceName: 'service',
    ResourceAttributes: {},
    ScopeName: '',
    ScopeVersion: '',
    SpanAttributes: {},
    Duration: Math.round(durationMs * 1e6),
    StatusCode: 'Unset',
    StatusMessage: '',
    Events: [],
    Links: [],
    SpanClass: 'other',
    OperationName: '',
    Provider: '',
    RequestModel: '',
    ResponseModel: '',
    InputTokens: 0,
    OutputTokens: 0,
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
    Convention: 'sightline',
    Diagnostics: [],
    ...rest,
  };
}

/** A lowercase hex id of `length` characters derived from `n` (trace ids 32, span ids 16). */
export function hexId(n: number, length: 32 | 16, prefix = ''): string {
  const body = n.toString(16);
  return (prefix + '0'.repeat(length)).slice(0, length - body.length) + body;
}
