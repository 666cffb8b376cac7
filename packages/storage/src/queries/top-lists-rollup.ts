import type { TopListName } from '@sightline/contracts';
import { GROUP_BY_COLUMNS } from './rollup-filters.ts';
import type { SqlParams } from './sql-params.ts';

/**
 * Top lists answered from `rollup_hourly`: each returns the SELECT of rows already shaped as
 * `TopListRow` (a `key` plus named values). `where` holds project, window and filters.
 */
export type RollupTopList = Extract<TopListName, 'costliest-users' | 'costliest-prompts' | 'unpriced-models'>;

export function rollupTopListSql(list: RollupTopList, params: SqlParams, where: string, limit: number): string {
  switch (list) {
    case 'costliest-users':
      return `SELECT UserId AS key, sum(CostNanos) / 1e9 AS costUsd, sum(Calls) AS calls,
          sum(InputTokens) AS inputTokens, sum(OutputTokens) AS outputTokens,
          sumIf(Calls, CostSource = ${params.bind('unpriced', 'String')}) AS unpricedCalls,
          if(sum(Calls) = 0, NULL, sum(CostNanos) / 1e9 / sum(Calls)) AS costPerCallUsd
        FROM rollup_hourly WHERE ${where} AND UserId != ''
        GROUP BY UserId ORDER BY sum(CostNanos) DESC, key LIMIT ${limit}`;
    case 'costliest-prompts':
      return `SELECT ${GROUP_BY_COLUMNS.promptVersion} AS key, PromptName AS promptName, PromptVersion AS promptVersion,
          sum(CostNanos) / 1e9 AS costUsd, sum(Calls) AS calls,
          sum(InputTokens) AS inputTokens, sum(OutputTokens) AS outputTokens,
          if(sum(Calls) = 0, NULL, sum(CostNanos) / 1e9 / sum(Calls)) AS costPerCallUsd
        FROM rollup_hourly WHERE ${where} AND PromptName != ''
        GROUP BY PromptName, PromptVersion ORDER BY sum(CostNanos) DESC, key LIMIT ${limit}`;
    case 'unpriced-models':
      return `SELECT concat(Provider, '/', Model) AS key, Provider AS provider, Model AS model,
          sum(Calls) AS calls, sum(InputTokens) AS inputTokens, sum(OutputTokens) AS outputTokens,
          toUnixTimestamp(max(MaxTimestamp)) AS lastSeenSeconds
        FROM rollup_hourly WHERE ${where} AND CostSource = ${params.bind('unpriced', 'String')}
        GROUP BY Provider, Model ORDER BY calls DESC, key LIMIT ${limit}`;
  }
}
