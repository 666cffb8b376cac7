import type { SpanRow } from '@sightline/contracts';

/**
 * The JSONEachRow object for one span: Events and Links become the parallel arrays of their Nested
 * columns (`Events.Timestamp`, `Events.Name`, ...), as in the Collector's otel_traces. Timestamps stay
 * decimal nanosecond strings, which DateTime64(9) parses exactly.
 */
export function toSpanInsertRow(row: SpanRow): Record<string, unknown> {
  const { Events, Links, ...flat } = row;
  return {
    ...flat,
    'Events.Timestamp': Events.map((e) => e.Timestamp),
    'Events.Name': Events.map((e) => e.Name),
    'Events.Attributes': Events.map((e) => e.Attributes),
    'Links.TraceId': Links.map((l) => l.TraceId),
    'Links.SpanId': Links.map((l) => l.SpanId),
    'Links.TraceState': Links.map((l) => l.TraceState),
    'Links.Attributes': Links.map((l) => l.Attributes),
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
