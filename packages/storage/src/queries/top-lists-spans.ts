import type { TopListName } from '@sightline/contracts';
import { dedupedSpanColumns, TRACE_AGGREGATES } from './trace-aggregates.ts';
import type { SqlParams } from './sql-params.ts';

export type SpanTopList = Exclude<TopListName, 'costliest-users' | 'costliest-prompts' | 'unpriced-models'>;

/** A loop is this many calls of one logical request inside one trace. */
export const RETRY_LOOP_MIN_CALLS = 3;

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
    case 'slowest-calls':
      return `SELECT SpanId AS key, TraceId AS traceId, SpanId AS spanId, SpanName AS name, ServiceName AS serviceName,
          Provider AS provider, RequestModel AS model, Duration / 1e6 AS durationMs, TtftMs AS ttftMs,
          toString(toUnixTimestamp64Nano(Timestamp)) AS startNsText, FailureClass AS failureClass
        FROM spans FINAL WHERE ${where} AND SpanClass = ${params.bind('llm', 'String')}
        ORDER BY Duration DESC, key LIMIT ${limit}`;
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
    case 'retry-loops':
      return retryLoopsSql(params, where, limit);
  }
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
function retryLoopsSql(params: SqlParams, where: string, limit: number): string {
  const llm = params.bind('llm', 'String');
  const min = params.bind(RETRY_LOOP_MIN_CALLS, 'UInt32');
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
        FROM spans FINAL WHERE ${where} AND SpanClass = ${llm})
      GROUP BY GROUPING SETS ((TraceId, RequestModel, PromptName, PromptVersion, InputHash), (TraceId, CallKey))
      HAVING calls >= ${min}
        AND ((CallKey = '' AND InputHash NOT IN (0, cityHash64(''))) OR (CallKey != '' AND max(Attempt) > 1))
    )
    GROUP BY TraceId ORDER BY repeatedCalls DESC, costUsd DESC, key LIMIT ${limit}`;
}
