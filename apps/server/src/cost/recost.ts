import type { PriceBook } from '@sightline/pricing';
import { rebuildRollups, type Driver } from '@sightline/storage';
import { costForRow } from '../normalise/cost.ts';

export interface RecostOptions {
  /** Spans starting at or after this time are re-priced (an override's effective date). */
  from: Date;
  /** Defaults to a day past now: spans from clients with fast clocks are included. */
  to?: Date;
  /** Limits the job to the (provider, model) pairs a change touches; all models when omitted. */
  match?: (provider: string, model: string) => boolean;
  /** Spans per read page and per update mutation. */
  batchSize?: number;
  /** Cluster name when spans are Replicated tables behind a Distributed one. */
  cluster?: string;
  /** Which stored spans to look at; both by default. Explicit costs are never re-costed. */
  sources?: readonly ('priced' | 'unpriced')[];
  /** How new costs reach the mutation; defaults to a scratch table locally and parameters on a cluster. */
  writeVia?: 'scratch-table' | 'parameters';
}

export interface RecostResult {
  from: string;
  to: string;
  /** Model-call spans looked at (priced or unpriced; explicit costs are never touched). */
  examined: number;
  /** Spans whose CostNanos or CostSource changed. */
  changed: number;
  models: { provider: string; requestModel: string; responseModel: string }[];
}

interface SpanCostRow {
  /** Start time in ns (aliased: ClickHouse aliases shadow columns in WHERE). */
  TsNs: string;
  TraceId: string;
  SpanId: string;
  Provider: string;
  RequestModel: string;
  ResponseModel: string;
  InputTokens: number;
  OutputTokens: number;
  CacheReadTokens: number;
  CacheWriteTokens: number;
  ReasoningTokens: number;
  Duration: number;
  ServiceTier: string;
  CostNanos: number;
  CostSource: string;
  ExplicitCost: string;
  AudioIn: string;
  AudioOut: string;
  GpuSeconds: string;
}

const SEP = '\u001f';
const RANGE = `ProjectId = {projectId:String} AND Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC')
  AND Timestamp < fromUnixTimestamp64Nano({toNs:Int64}, 'UTC') AND CostSource IN {sources:Array(String)}`;
const PAIR = `concat(Provider, '${SEP}', RequestModel, '${SEP}', ResponseModel)`;

/**
 * Re-prices a project's stored spans with `book` (the same function ingest uses, so a re-costed span
 * equals a freshly ingested one), writes back the spans whose cost changed, then rebuilds the rollup
 * hours they fall in so raw queries and rollups agree. Spans with an explicit cost keep it.
 *
 * Costs are computed in JS rather than pushed into SQL: long-context and service tiers, GPU-hour
 * prices and explicit costs make the rule piecewise, and one implementation keeps them exact.
 */
export async function recostSpans(driver: Driver, book: PriceBook, projectId: string, opts: RecostOptions): Promise<RecostResult> {
  const to = opts.to ?? new Date(Date.now() + 86_400_000);
  const ns = (d: Date) => (BigInt(Math.max(0, Math.trunc(d.getTime()))) * 1_000_000n).toString();
  const params = { projectId, fromNs: ns(opts.from), toNs: ns(to), sources: [...(opts.sources ?? ['priced', 'unpriced'])] };
  const result: RecostResult = { from: opts.from.toISOString(), to: to.toISOString(), examined: 0, changed: 0, models: [] };
  if (to <= opts.from) return result;

  const pairs = await driver.query<{ Provider: string; RequestModel: string; ResponseModel: string }>(
    `SELECT DISTINCT Provider, RequestModel, ResponseModel FROM spans WHERE ${RANGE}`,
    params,
  );
  const wanted = pairs.filter((p) => !opts.match || opts.match(p.Provider, p.ResponseModel || p.RequestModel));
  result.models = wanted.map((p) => ({ provider: p.Provider, requestModel: p.RequestModel, responseModel: p.ResponseModel }));
  if (wanted.length === 0) return result;
  const keys = wanted.map((p) => [p.Provider, p.RequestModel, p.ResponseModel].join(SEP));

  const batchSize = opts.batchSize ?? 20_000;
  const table = opts.cluster === undefined ? 'spans' : `spans_local ON CLUSTER \`${opts.cluster}\``;
  let after = { ns: '0', traceId: '', spanId: '' };
  let minNs: bigint | null = null;
  let maxNs: bigint | null = null;
  for (;;) {
    const page = await driver.query<SpanCostRow>(
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS TsNs, TraceId, SpanId, Provider, RequestModel, ResponseModel,
         InputTokens, OutputTokens, CacheReadTokens, CacheWriteTokens, ReasoningTokens, Duration, ServiceTier,
         CostNanos, CostSource, SpanAttributes['sightline.cost.usd'] AS ExplicitCost,
         SpanAttributes['llm.token_count.prompt_details.audio'] AS AudioIn,
         SpanAttributes['llm.token_count.completion_details.audio'] AS AudioOut,
         SpanAttributes['sightline.gpu.seconds'] AS GpuSeconds
       FROM spans FINAL
       WHERE ${RANGE} AND ${PAIR} IN {keys:Array(String)}
         AND (Timestamp, TraceId, SpanId) > (fromUnixTimestamp64Nano({afterNs:Int64}, 'UTC'), {afterTrace:String}, {afterSpan:String})
       ORDER BY Timestamp, TraceId, SpanId
       LIMIT {limit:UInt32}`,
      { ...params, keys, afterNs: after.ns, afterTrace: after.traceId, afterSpan: after.spanId, limit: batchSize },
    );
    if (page.length === 0) break;
    const changedKeys: string[] = [];
    const nanos: number[] = [];
    const sources: string[] = [];
    for (const row of page) {
      result.examined++;
      const attrs: Record<string, string> = {};
      if (row.ExplicitCost !== '') attrs['sightline.cost.usd'] = row.ExplicitCost;
      if (row.AudioIn !== '') attrs['llm.token_count.prompt_details.audio'] = row.AudioIn;
      if (row.AudioOut !== '') attrs['llm.token_count.completion_details.audio'] = row.AudioOut;
      if (row.GpuSeconds !== '') attrs['sightline.gpu.seconds'] = row.GpuSeconds;
      const cost = costForRow(book, { ...row, Timestamp: row.TsNs, SpanAttributes: attrs }, true, row.InputTokens + row.OutputTokens > 0);
      if (cost.CostNanos === Number(row.CostNanos) && cost.CostSource === row.CostSource) continue;
      changedKeys.push(row.TraceId + row.SpanId);
      nanos.push(cost.CostNanos);
      sources.push(cost.CostSource);
      const ns = BigInt(row.TsNs);
      if (minNs === null || ns < minNs) minNs = ns;
      if (maxNs === null || ns > maxNs) maxNs = ns;
    }
    if (changedKeys.length > 0) {
      await writeCosts(driver, table, params, changedKeys, nanos, sources, (opts.writeVia ?? (opts.cluster === undefined ? 'scratch-table' : 'parameters')) === 'scratch-table');
      result.changed += changedKeys.length;
    }
    const last = page[page.length - 1] as SpanCostRow;
    after = { ns: last.TsNs, traceId: last.TraceId, spanId: last.SpanId };
    if (page.length < batchSize) break;
  }
  if (minNs !== null && maxNs !== null) {
    const fromIso = new Date(Number(minNs / 1_000_000n)).toISOString();
    const toIso = new Date(Number(maxNs / 1_000_000n) + 1).toISOString();
    await rebuildRollups(driver, projectId, fromIso, toIso, opts.cluster === undefined ? {} : { cluster: opts.cluster });
  }
  return result;
}

let scratchSeq = 0;

/**
 * Writes new costs back with one mutation. Locally the values go through a Join-engine scratch table
 * read with joinGet (a mutation carrying them as array parameters costs ~0.6 ms per span); on a
 * cluster, where a scratch table would exist on one node only, they travel as parameters.
 */
async function writeCosts(driver: Driver, table: string, params: Record<string, unknown>, keys: string[], nanos: number[], sources: string[], local: boolean): Promise<void> {
  if (!local) {
    await driver.command(
      `ALTER TABLE ${table} UPDATE
         CostNanos = transform(concat(TraceId, SpanId), {keys:Array(String)}, {nanos:Array(Int64)}, CostNanos),
         CostSource = transform(concat(TraceId, SpanId), {keys:Array(String)}, {newSources:Array(String)}, toString(CostSource))
       WHERE ${RANGE} AND concat(TraceId, SpanId) IN {keys:Array(String)}
       SETTINGS mutations_sync = 2`,
      { ...params, keys, nanos, newSources: sources },
    );
    return;
  }
  const name = `recost_scratch_${process.pid}_${Date.now()}_${scratchSeq++}`;
  // Mutations run outside the session: the scratch table must be named with its database.
  const scratch = `${driver.database}.${name}`;
  await driver.command(`CREATE TABLE ${scratch} (K String, N Int64, S String) ENGINE = Join(ANY, LEFT, K)`);
  try {
    await driver.insert(scratch, keys.map((k, i) => ({ K: k, N: nanos[i], S: sources[i] })));
    try {
      await driver.command(
        `ALTER TABLE ${table} UPDATE
           CostNanos = joinGet('${scratch}', 'N', concat(TraceId, SpanId)),
           CostSource = joinGet('${scratch}', 'S', concat(TraceId, SpanId))
         WHERE ${RANGE} AND joinGetOrNull('${scratch}', 'S', concat(TraceId, SpanId)) IS NOT NULL
         SETTINGS mutations_sync = 2`,
        params,
      );
    } catch (err) {
      // A failed mutation stays queued and retries forever; it must not outlive its scratch table.
      await driver
        .command(`KILL MUTATION WHERE database = currentDatabase() AND table = 'spans' AND command LIKE {pattern:String} SYNC`, { pattern: `%${name}%` })
        .catch((killErr: unknown) => {
          throw new AggregateError([err, killErr], `re-cost update failed and its mutation could not be cancelled`);
        });
      throw err;
    }
  } finally {
    await driver.command(`DROP TABLE IF EXISTS ${scratch}`);
  }
}
