import type { SpanRow } from '@sightline/contracts';

/**
 * The JSONEachRow object for one span: Events and Links become the parallel arrays of their Nested
 * columns (`Events.Timestamp`, `Events.Name`, ...), as in the Collector's otel_traces. Timestamps stay
 * decimal nanosecond strings, which DateTime64(9) parses exactly.
 *
 * Spelled out field by field on purpose: object rest/spread over ~50 keys took ~50 µs per span in
 * V8, more than the engine's own parsing; a literal of fixed shape takes ~2 µs. Extra keys on the
 * input are dropped rather than sent (the insert would reject unknown columns).
 */
export function toSpanInsertRow(row: SpanRow): Record<string, unknown> {
  const events = row.Events;
  const links = row.Links;
  return {
    ProjectId: row.ProjectId,
    Timestamp: row.Timestamp,
    TraceId: row.TraceId,
    SpanId: row.SpanId,
    ParentSpanId: row.ParentSpanId,
    TraceState: row.TraceState,
    SpanName: row.SpanName,
    SpanKind: row.SpanKind,
    ServiceName: row.ServiceName,
    ResourceAttributes: row.ResourceAttributes,
    ScopeName: row.ScopeName,
    ScopeVersion: row.ScopeVersion,
    SpanAttributes: row.SpanAttributes,
    Duration: row.Duration,
    StatusCode: row.StatusCode,
    StatusMessage: row.StatusMessage,
    'Events.Timestamp': events.map((e) => e.Timestamp),
    'Events.Name': events.map((e) => e.Name),
    'Events.Attributes': events.map((e) => e.Attributes),
    'Links.TraceId': links.map((l) => l.TraceId),
    'Links.SpanId': links.map((l) => l.SpanId),
    'Links.TraceState': links.map((l) => l.TraceState),
    'Links.Attributes': links.map((l) => l.Attributes),
    SpanClass: row.SpanClass,
    OperationName: row.OperationName,
    Provider: row.Provider,
    RequestModel: row.RequestModel,
    ResponseModel: row.ResponseModel,
    InputTokens: row.InputTokens,
    OutputTokens: row.OutputTokens,
    CacheReadTokens: row.CacheReadTokens,
    CacheWriteTokens: row.CacheWriteTokens,
    ReasoningTokens: row.ReasoningTokens,
    TtftMs: row.TtftMs,
    FinishReasons: row.FinishReasons,
    FailureClass: row.FailureClass,
    PromptName: row.PromptName,
    PromptVersion: row.PromptVersion,
    UserId: row.UserId,
    SessionId: row.SessionId,
    Environment: row.Environment,
    AppVersion: row.AppVersion,
    ServiceTier: row.ServiceTier,
    ToolName: row.ToolName,
    Attempt: row.Attempt,
    ValidationStatus: row.ValidationStatus,
    InputContent: row.InputContent,
    OutputContent: row.OutputContent,
    ContentTruncated: row.ContentTruncated,
    CostNanos: row.CostNanos,
    CostSource: row.CostSource,
    Convention: row.Convention,
    Diagnostics: row.Diagnostics,
  };
}

/**
 * SELECT list that reads a `spans` row back in the SpanRow shape (Timestamp as a nanosecond string,
 * Events/Links as arrays of objects). `prefix` qualifies the columns when the query joins.
 */
export const SPAN_ROW_SELECT = `ProjectId, toString(toUnixTimestamp64Nano(Timestamp)) AS Timestamp, TraceId, SpanId,
  ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion,
  SpanAttributes, Duration, StatusCode, StatusMessage,
  arrayMap((t, n, a) -> map('Timestamp', toString(toUnixTimestamp64Nano(t)), 'Name', toString(n), 'Attributes', toJSONString(a)),
    Events.Timestamp, Events.Name, Events.Attributes) AS EventsRaw,
  arrayMap((t, s, st, a) -> map('TraceId', t, 'SpanId', s, 'TraceState', st, 'Attributes', toJSONString(a)),
    Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes) AS LinksRaw,
  SpanClass, OperationName, Provider, RequestModel, ResponseModel, InputTokens, OutputTokens, CacheReadTokens,
  CacheWriteTokens, ReasoningTokens, TtftMs, FinishReasons, FailureClass, PromptName, PromptVersion, UserId,
  SessionId, Environment, AppVersion, ServiceTier, ToolName, Attempt, ValidationStatus, InputContent,
  OutputContent, ContentTruncated, CostNanos, CostSource, Convention, Diagnostics`;

type RawRow = Omit<SpanRow, 'Events' | 'Links'> & {
  EventsRaw: Array<{ Timestamp: string; Name: string; Attributes: string }>;
  LinksRaw: Array<{ TraceId: string; SpanId: string; TraceState: string; Attributes: string }>;
};

/** Turns a row selected with SPAN_ROW_SELECT into a SpanRow. */
export function fromSpanSelectRow(raw: Record<string, unknown>): SpanRow {
  const { EventsRaw, LinksRaw, ...rest } = raw as RawRow;
  return {
    ...rest,
    Events: EventsRaw.map((e) => ({ Timestamp: e.Timestamp, Name: e.Name, Attributes: JSON.parse(e.Attributes) as Record<string, string> })),
    Links: LinksRaw.map((l) => ({
      TraceId: l.TraceId,
      SpanId: l.SpanId,
      TraceState: l.TraceState,
      Attributes: JSON.parse(l.Attributes) as Record<string, string>,
    })),
  };
}
