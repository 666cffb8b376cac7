import type { TopListName } from '@sightline/contracts';
import { dedupedSpanColumns, TRACE_AGGREGATES } from './trace-aggregates.ts';
import type { SqlParams } from './sql-params.ts';
import type { TimeWindow } from './time-window.ts';

export type SpanTopList = Exclude<TopListName, 'costliest-users' | 'costliest-prompts' | 'unpriced-models' | 'slowest-calls' | 'retry-loops' | 'costliest-endpoints'>;

/** A loop is this many calls of one logical request inside one trace. */
export const RETRY_LOOP_MIN_CALLS = 3;

/** Candidate traces up to which the exact retry-loop query looks traces up by id instead of scanning. */
export const RETRY_LOOP_MAX_CANDIDATES = 10_000;

/**
 * Top lists that need raw spans (per-trace or per-span detail the rollups do not keep). `where`
 * holds project, window and filters; every raw read is de-duplicated (`FINAL`, see trace-aggregates.ts).
 */
export function spanTopListSql(list: SpanTopList, params: SqlParams, where: string, limit: number): string {
  switch (list) {
    case 'costliest-traces':
      return `SELECT traceId AS key, ${TRACE_AGGREGATE_FIELDS}
        FROM (SELECT ${TRACE_AGGREGATES} FROM (${dedupedSpanColumns(where)}) GROUP BY TraceId)
        WHERE costNanos > 0 ORDER BY costNanos DESC, key LIMIT ${limit}`;
    case 'validation-failures':
      return `SELECT concat(PromptName, '@', PromptVersion, ' · ', RequestModel) AS key,
          PromptName AS promptName, PromptVersion AS promptVersion, RequestModel AS model,
          countIf(ValidationStatus = 'failed') AS failures, countIf(ValidationStatus != '') AS validated,
          failures / validated AS failureRate,
          argMaxIf(TraceId, StartNs, ValidationStatus = 'failed') AS lastTraceId,
          toString(maxIf(StartNs, ValidationStatus = 'failed')) AS startNsText
        FROM (SELECT TraceId, SpanId, PromptName, PromptVersion, RequestModel, ValidationStatus,
                toInt64(toUnixTimestamp64Nano(Timestamp)) AS StartNs
              FROM spans FINAL WHERE ${where} AND ValidationStatus != '')
        GROUP BY PromptName, PromptVersion, RequestModel
        HAVING failures > 0 ORDER BY failures DESC, key LIMIT ${limit}`;
  }
}

/**
 * Spend per endpoint: an endpoint is a trace's root span, the request or job a service handles (an
 * HTTP server span's `POST /chat`, a `traceWorkflow('nightly-digest')`), per service. Per endpoint:
 * requests (traces), the failed ones, spend and spend per request; traces without a root yet are
 * the '' endpoint. Root names and services come from trace_index, whole-trace facts, so a filter
 * that matches only some spans of a trace (a model) still names its endpoint.
 *
 * `spanWhere` null: every trace starting in the window, from trace_index alone. Otherwise the traces
 * with a span matching `spanWhere` (project, window, filters), each with what its matching spans cost
 * (the spend on one model per endpoint), as the costliest-traces list does.
 */
export function costliestEndpointsSql(params: SqlParams, projectId: string, window: TimeWindow, spanWhere: string | null, limit: number): string {
  const p = params.bind(projectId, 'String');
  const per = `GROUP BY key, serviceName HAVING costUsd > 0 ORDER BY costUsd DESC, key, serviceName LIMIT ${limit}`;
  const fields = `count() AS requests, countIf(errors > 0) AS failedRequests, sum(cost) / 1e9 AS costUsd, costUsd / requests AS costPerRequestUsd`;
  if (spanWhere === null) {
    // FINAL merges each trace's rows in key order (no hash table of every trace id); the WHERE
    // applies to the merged rows (see candidatesFromIndex in trace-list.ts).
    return `SELECT endpoint AS key, service AS serviceName, ${fields}
      FROM (
        SELECT RootSpanName AS endpoint, RootServiceName AS service, Errors AS errors, CostNanos AS cost
        FROM trace_index FINAL
        WHERE ProjectId = ${p} AND Start >= fromUnixTimestamp64Milli(${params.bind(window.fromMs, 'Int64')}) AND Start < fromUnixTimestamp64Milli(${params.bind(window.toMs, 'Int64')}))
      ${per}`;
  }
  return `SELECT t.endpoint AS key, t.service AS serviceName, ${fields}
    FROM (
      SELECT TraceId, countIf(StatusCode = 'Error') AS errors, sum(CostNanos) AS cost
      FROM spans FINAL WHERE ${spanWhere} GROUP BY TraceId) AS s
    INNER JOIN (
      SELECT TraceId, max(RootSpanName) AS endpoint, max(RootServiceName) AS service
      FROM trace_index WHERE ProjectId = ${p} AND TraceId IN (SELECT TraceId FROM spans WHERE ${spanWhere})
      GROUP BY TraceId) AS t ON s.TraceId = t.TraceId
    ${per}`;
}

const TRACE_AGGREGATE_FIELDS = `traceId, rootName, serviceName, startNsText, durationNs / 1e6 AS durationMs,
  llmCallCount, costNanos / 1e9 AS costUsd, userId, sessionId`;

/**
 * Two signals of a retry loop, whichever is stronger per trace: the same (model, prompt, input)
 * sent again and again, or one logical call (`sightline.call.key`) that went past its first attempt.
 * GROUPING SETS answers both from one scan; in the call-key set the other keys read as defaults
 * (InputHash 0), in the identical-input set CallKey reads ''. InputHash and CallKey are columns
 * materialized at insert (migration 0400), so neither prompts nor attribute maps are read.
 */
export function retryLoopsSql(params: SqlParams, where: string, limit: number, traceIds?: readonly string[]): string {
  const llm = params.bind('llm', 'String');
  const min = params.bind(RETRY_LOOP_MIN_CALLS, 'UInt32');
  const only = traceIds === undefined ? '' : ` AND TraceId IN ${params.bind(traceIds, 'Array(String)')}`;
  return `SELECT TraceId AS key, TraceId AS traceId,
      argMax(reason, calls) AS reason, max(calls) AS repeatedCalls,
      argMax(model, calls) AS model, argMax(promptName, calls) AS promptName,
      argMax(promptVersion, calls) AS promptVersion, argMax(costNanos, calls) / 1e9 AS costUsd,
      toString(min(firstNs)) AS startNsText
    FROM (
      SELECT TraceId, if(CallKey = '', 'identical_input', 'call_key_retries') AS reason, count() AS calls,
        any(RequestModel) AS model, any(PromptName) AS promptName, any(PromptVersion) AS promptVersion,
        sum(CostNanos) AS costNanos, min(StartNs) AS firstNs
      FROM (
        SELECT TraceId, SpanId, RequestModel, PromptName, PromptVersion, Attempt, CostNanos, InputHash, CallKey,
          toInt64(toUnixTimestamp64Nano(Timestamp)) AS StartNs
        FROM spans FINAL WHERE ${where} AND SpanClass = ${llm}${only})
      GROUP BY GROUPING SETS ((TraceId, RequestModel, PromptName, PromptVersion, InputHash), (TraceId, CallKey))
      HAVING calls >= ${min}
        AND ((CallKey = '' AND InputHash NOT IN (0, cityHash64(''))) OR (CallKey != '' AND max(Attempt) > 1))
    )
    GROUP BY TraceId ORDER BY repeatedCalls DESC, costUsd DESC, key LIMIT ${limit}`;
}

/**
 * Traces that may hold a retry loop, found cheaply. Only an input sent at least three times in the
 * window, or a call key with a later attempt in it, can make a loop, so the scan first narrows to
 * those (a hash table of 64-bit input hashes; attempts above 1 are rare). Then the groups of
 * {@link retryLoopsSql} are counted over raw rows without FINAL, each hashed to one 64-bit key.
 * Hashing can only merge groups and a copy not yet merged away only adds to a count, so every trace
 * retryLoopsSql lists is among these; it then reads just these traces. At 10M spans: ~0.3 s, where
 * retryLoopsSql over the whole window took ~4.4 s.
 */
export function retryLoopCandidatesSql(params: SqlParams, where: string, maxCandidates: number): string {
  const llm = `${where} AND SpanClass = ${params.bind('llm', 'String')}`;
  const min = params.bind(RETRY_LOOP_MIN_CALLS, 'UInt32');
  return `SELECT DISTINCT candidate AS traceId FROM (
      SELECT any(TraceId) AS candidate FROM spans
      WHERE ${llm} AND InputHash IN (
        SELECT InputHash FROM spans WHERE ${llm} AND InputHash NOT IN (0, cityHash64(''))
        GROUP BY InputHash HAVING count() >= ${min})
      GROUP BY cityHash64(TraceId, RequestModel, PromptName, PromptVersion, InputHash)
      HAVING count() >= ${min}
      UNION ALL
      SELECT any(TraceId) AS candidate FROM spans
      WHERE ${llm} AND CallKey IN (SELECT CallKey FROM spans WHERE ${llm} AND CallKey != '' AND Attempt > 1)
      GROUP BY cityHash64(TraceId, CallKey)
      HAVING count() >= ${min} AND max(Attempt) > 1)
    LIMIT ${maxCandidates + 1}`;
}

/** Columns of a slowest-calls row, as the list returns them. */
export const SLOWEST_CALL_FIELDS = `SpanId AS key, TraceId AS traceId, SpanId AS spanId, SpanName AS name, ServiceName AS serviceName,
  Provider AS provider, RequestModel AS model, Duration / 1e6 AS durationMs, TtftMs AS ttftMs,
  toString(toUnixTimestamp64Nano(Timestamp)) AS startNsText, FailureClass AS failureClass`;
