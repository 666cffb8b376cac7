import type { SpanDetail, TraceDetailResponse } from '@sightline/contracts';
import { SPAN_CLASSES, type SpanClass } from '@sightline/contracts';
import { ATTR_SIGHTLINE_CONFIG_VERSION } from '@sightline/contracts/semconv';
import { SqlParams, nanosToIso, nanosToUsd, toNullableNumber, toNumber, type QueryDriver } from './sql-params.ts';

/** Spans one trace response carries; a runaway agent loop must not become a 1 GB response. */
export const MAX_TRACE_SPANS = 10_000;

interface SpanDetailRow {
  SpanId: string;
  ParentSpanId: string;
  SpanName: string;
  SpanClass: string;
  ServiceName: string;
  StartNs: string;
  Duration: number;
  StatusCode: string;
  FailureClass: string;
  StatusMessage: string;
  Provider: string;
  RequestModel: string;
  ResponseModel: string;
  OperationName: string;
  InputTokens: number;
  OutputTokens: number;
  CacheReadTokens: number;
  CacheWriteTokens: number;
  ReasoningTokens: number;
  CostNanos: number;
  CostSource: string;
  TtftMs: number | null;
  FinishReasons: string[];
  PromptName: string;
  PromptVersion: string;
  UserId: string;
  SessionId: string;
  ServiceTier: string;
  ToolName: string;
  Attempt: number;
  ValidationStatus: string;
  InputContent: string;
  OutputContent: string;
  ContentTruncated: number;
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
  EventTimes: string[];
  EventNames: string[];
  EventAttributes: Record<string, string>[];
  Convention: string;
  Diagnostics: string[];
}

/**
 * Every span of one trace, in start order. trace_index bounds the read to the trace's own start/end,
 * so the primary key (ProjectId, Timestamp, …) prunes parts instead of scanning the project.
 * Returns null when the project has no such trace. `costExplanation` is left null: pricing needs
 * the project's price book, which the server holds.
 */
export async function getTraceDetail(
  driver: QueryDriver,
  projectId: string,
  traceId: string,
): Promise<TraceDetailResponse | null> {
  const params = new SqlParams();
  const p = params.bind(projectId, 'String');
  const t = params.bind(traceId, 'String');
  const bounds = `FROM trace_index WHERE ProjectId = ${p} AND TraceId = ${t}`;
  const rows = await driver.query<SpanDetailRow>(
    `SELECT SpanId, ParentSpanId, SpanName, SpanClass, ServiceName,
        toString(toUnixTimestamp64Nano(Timestamp)) AS StartNs, Duration, StatusCode, FailureClass, StatusMessage,
        Provider, RequestModel, ResponseModel, OperationName, InputTokens, OutputTokens, CacheReadTokens,
        CacheWriteTokens, ReasoningTokens, CostNanos, CostSource, TtftMs, FinishReasons, PromptName, PromptVersion,
        UserId, SessionId, ServiceTier, ToolName, Attempt, ValidationStatus, InputContent, OutputContent,
        ContentTruncated, SpanAttributes, ResourceAttributes,
        arrayMap(x -> toString(toUnixTimestamp64Nano(x)), Events.Timestamp) AS EventTimes,
        Events.Name AS EventNames, Events.Attributes AS EventAttributes, Convention, Diagnostics
      FROM spans FINAL
      WHERE ProjectId = ${p} AND TraceId = ${t}
        AND Timestamp >= (SELECT min(Start) ${bounds}) AND Timestamp <= (SELECT max(End) ${bounds})
      ORDER BY Timestamp, SpanId
      LIMIT ${MAX_TRACE_SPANS + 1}`,
    params.values,
  );
  if (rows.length === 0) return null;
  const truncated = rows.length > MAX_TRACE_SPANS;
  return { traceId, spans: rows.slice(0, MAX_TRACE_SPANS).map(toSpanDetail), truncated };
}

const STATUS: Record<string, SpanDetail['status']> = { Ok: 'ok', Error: 'error', Unset: 'unset' };

export function toSpanDetail(row: SpanDetailRow): SpanDetail {
  const costStatus = row.CostSource === 'priced' || row.CostSource === 'unpriced' || row.CostSource === 'explicit' ? row.CostSource : null;
  return {
    spanId: row.SpanId,
    parentSpanId: row.ParentSpanId,
    name: row.SpanName,
    spanClass: (SPAN_CLASSES as readonly string[]).includes(row.SpanClass) ? (row.SpanClass as SpanClass) : 'other',
    serviceName: row.ServiceName,
    startTime: nanosToIso(row.StartNs),
    startTimeUnixNano: row.StartNs,
    durationMs: toNumber(row.Duration) / 1e6,
    status: STATUS[row.StatusCode] ?? 'unset',
    failureClass: row.FailureClass === '' ? null : row.FailureClass,
    statusMessage: row.StatusMessage,
    provider: row.Provider,
    requestModel: row.RequestModel,
    responseModel: row.ResponseModel,
    operationName: row.OperationName,
    inputTokens: toNumber(row.InputTokens),
    outputTokens: toNumber(row.OutputTokens),
    cachedInputTokens: toNumber(row.CacheReadTokens),
    cacheWriteTokens: toNumber(row.CacheWriteTokens),
    reasoningTokens: toNumber(row.ReasoningTokens),
    // An unpriced call has no cost, not a zero cost; spans without model usage have none either.
    costUsd: costStatus === 'priced' || costStatus === 'explicit' ? nanosToUsd(row.CostNanos) : null,
    costStatus,
    costExplanation: null,
    ttftMs: toNullableNumber(row.TtftMs),
    finishReasons: row.FinishReasons,
    promptName: row.PromptName,
    promptVersion: row.PromptVersion,
    configVersion: row.SpanAttributes[ATTR_SIGHTLINE_CONFIG_VERSION] ?? '',
    userId: row.UserId,
    sessionId: row.SessionId,
    serviceTier: row.ServiceTier,
    toolName: row.ToolName,
    attempt: toNumber(row.Attempt),
    validationStatus: row.ValidationStatus,
    input: row.InputContent === '' ? null : row.InputContent,
    output: row.OutputContent === '' ? null : row.OutputContent,
    contentTruncated: toNumber(row.ContentTruncated) === 1,
    attributes: row.SpanAttributes,
    resourceAttributes: row.ResourceAttributes,
    events: row.EventNames.map((name, i) => ({
      time: nanosToIso(row.EventTimes[i] ?? '0'),
      name,
      attributes: row.EventAttributes[i] ?? {},
    })),
    convention: row.Convention,
    diagnostics: row.Diagnostics,
  };
}
