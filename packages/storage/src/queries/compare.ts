import type { CompareResponse } from '@sightline/contracts';
import { QueryError } from './query-error.ts';
import { rollupWhere, spanClassIn } from './rollup-filters.ts';
import { SqlParams, nanosToUsd, toNullableNumber, toNumber, type QueryDriver } from './sql-params.ts';
import { DEFAULT_TRACE_WINDOW_MS, resolveWindow } from './time-window.ts';

export interface CompareOptions {
  dimension: 'model' | 'promptVersion' | 'configVersion';
  a: string;
  b: string;
  /** For promptVersion: the prompt both versions belong to (or write a and b as `name@version`). */
  promptName?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  service?: string | undefined;
  environment?: string | undefined;
  provider?: string | undefined;
  /** Only calls made serving this endpoint (`sightline.endpoint`). */
  endpoint?: string | undefined;
}

interface SideRow {
  side: string;
  calls: number;
  costNanos: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  p95TtftMs: number | null;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  validationFailures: number;
  retries: number;
}

/** Two models, two versions of a prompt or two config versions, over the same window, from the hourly rollup. */
export async function compareSides(
  driver: QueryDriver,
  projectId: string,
  options: CompareOptions,
  now: number = Date.now(),
): Promise<CompareResponse> {
  if (options.a === options.b) throw new QueryError('bad_filter', "'a' and 'b' must name two different things");
  const window = resolveWindow(options.from, options.to, DEFAULT_TRACE_WINDOW_MS, now);
  const params = new SqlParams();
  const where = [
    ...rollupWhere(params, projectId, window, { ...options, model: undefined }, 3_600_000),
    spanClassIn(params, ['llm']),
  ];
  const sideOf = sideExpression(params, options);
  where.push(`${sideOf.matchA} OR ${sideOf.matchB}`);

  const rows = await driver.query<SideRow>(
    `SELECT if(${sideOf.matchA}, 'a', 'b') AS side, sum(Calls) AS calls, sum(CostNanos) AS costNanos,
        quantilesTDigestMerge(0.5, 0.95)(DurationMsQuantiles) AS dq, dq[1] AS p50DurationMs, dq[2] AS p95DurationMs,
        quantilesTDigestMerge(0.95)(TtftMsQuantiles)[1] AS p95TtftMs,
        sum(Errors) AS errors, sum(InputTokens) AS inputTokens, sum(OutputTokens) AS outputTokens,
        sum(ValidationFailures) AS validationFailures, sum(Retries) AS retries
      FROM rollup_hourly WHERE (${where.join(') AND (')})
      GROUP BY side`,
    params.values,
  );
  const side = (name: 'a' | 'b', key: string): CompareResponse['a'] => {
    const row = rows.find((r) => r.side === name);
    const calls = toNumber(row?.calls);
    const per = (value: number | undefined): number | null => (calls === 0 ? null : toNumber(value) / calls);
    return {
      key,
      calls,
      costPerCallUsd: calls === 0 ? null : nanosToUsd(row?.costNanos) / calls,
      totalCostUsd: nanosToUsd(row?.costNanos),
      p50DurationMs: calls === 0 ? null : toNullableNumber(row?.p50DurationMs),
      p95DurationMs: calls === 0 ? null : toNullableNumber(row?.p95DurationMs),
      p95TtftMs: calls === 0 ? null : toNullableNumber(row?.p95TtftMs),
      failureRate: per(row?.errors),
      validationFailureRate: per(row?.validationFailures),
      retryRate: per(row?.retries),
      avgInputTokens: per(row?.inputTokens),
      avgOutputTokens: per(row?.outputTokens),
    };
  };
  return {
    dimension: options.dimension,
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    a: side('a', options.a),
    b: side('b', options.b),
  };
}

function sideExpression(params: SqlParams, options: CompareOptions): { matchA: string; matchB: string } {
  if (options.dimension === 'model' || options.dimension === 'configVersion') {
    const column = options.dimension === 'model' ? 'Model' : 'ConfigVersion';
    return { matchA: `${column} = ${params.bind(options.a, 'String')}`, matchB: `${column} = ${params.bind(options.b, 'String')}` };
  }
  const version = (raw: string): string => {
    const at = raw.lastIndexOf('@');
    const name = at > 0 ? raw.slice(0, at) : options.promptName;
    const v = at > 0 ? raw.slice(at + 1) : raw;
    if (name === undefined || name === '') {
      throw new QueryError('bad_filter', `prompt version '${raw}' needs 'promptName' or the form name@version`);
    }
    return `(PromptName = ${params.bind(name, 'String')} AND PromptVersion = ${params.bind(v, 'String')})`;
  };
  return { matchA: version(options.a), matchB: version(options.b) };
}
