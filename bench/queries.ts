// Query API benchmark: the storage query functions the /api routes call, timed on synthetic spans.
// Run: pnpm tsx --conditions=@sightline/source bench/queries.ts [--spans=N] [--runs=N] [--json]
//   [--store=DIR]  keep the synthesised store in DIR and reuse it on the next run, queried as of its
//                  newest span (query A/B runs without minutes of synthesis)
//   [--cases=a,b]  only the cases whose names contain one of these
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { MetricsQuery, TraceListQuery } from '../packages/contracts/src/index.ts';
import {
  compareSides,
  getTraceDetail,
  listTraces,
  migrate,
  openDriver,
  queryMetrics,
  queryTopList,
} from '../packages/storage/src/index.ts';
import { BENCH_PROJECT, synthesiseSpans } from './storage-synth.ts';
import { cliArg } from './bench-env.ts';

export interface QueryBenchFigures {
  cores: number;
  /** 1-minute load average at the end: other processes on the box skew every figure. */
  loadAverage: number;
  spans: number;
  /** Median milliseconds per query function, over `runs` runs after one warm-up. */
  medianMs: Record<string, number>;
  /** [min, max] over the same runs as the median. */
  spreadMs: Record<string, [number, number]>;
}

/** Just after the newest span of the store, in ms. */
async function newestSpanMs(driver: Awaited<ReturnType<typeof openDriver>>): Promise<number> {
  const [row] = await driver.query<{ ms: string }>('SELECT toString(toUnixTimestamp64Milli(max(Timestamp)) + 1) AS ms FROM spans');
  return Number(row?.ms);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export interface QueryBenchOptions {
  spans?: number;
  runs?: number;
  log?: ((line: string) => void) | undefined;
  /** A store to keep and reuse: synthesised only when it holds fewer spans than asked for. */
  storeDir?: string | undefined;
  /** Only the cases whose names contain one of these. */
  cases?: readonly string[] | undefined;
}

export async function runQueryBench(opts: QueryBenchOptions = {}): Promise<QueryBenchFigures> {
  const spans = opts.spans ?? 1_000_000;
  const runs = opts.runs ?? 9;
  const log = opts.log ?? (() => undefined);
  const dataDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'sightline-query-bench-'));
  const driver = await openDriver({ mode: 'embedded', dataDir, database: 'bench' });
  try {
    await migrate(driver);
    const chunk = 250_000;
    const [held] = await driver.query<{ n: string }>('SELECT count() AS n FROM spans');
    const have = Number(held?.n ?? 0);
    // A store synthesised in part (an interrupted run) is completed chunk by chunk.
    if (have > spans || (have < spans && have % chunk !== 0)) throw new Error(`the store in ${dataDir} holds ${have} spans, not ${spans}: remove it or pass --spans=${have}`);
    if (have > 0) log(`reusing the ${have} spans in ${dataDir}`);
    for (let offset = have; offset < spans; offset += chunk) {
      await synthesiseSpans(driver, offset, Math.min(chunk, spans - offset), 7, spans);
      log(`synthesised ${Math.min(offset + chunk, spans)} / ${spans} spans over 7 days`);
    }
    const p = BENCH_PROJECT;
    // A reused store is queried as of its newest span, so its windows hold what they held when it
    // was synthesised.
    const now = opts.storeDir === undefined ? Date.now() : await newestSpanMs(driver);
    const week = new Date(now - 7 * 86_400_000).toISOString();
    const latest = await listTraces(driver, p, TraceListQuery.parse({}), now);
    const traceId = latest.items.at(-1)?.traceId;
    if (traceId === undefined) throw new Error('the synthetic data set produced no traces');
    const [model] = await driver.query<{ m: string }>('SELECT any(Model) AS m FROM rollup_hourly WHERE ProjectId = {p:String} AND Model != \'\'', { p });
    const [other] = await driver.query<{ m: string }>('SELECT any(Model) AS m FROM rollup_hourly WHERE ProjectId = {p:String} AND Model NOT IN (\'\', {a:String})', { p, a: model?.m ?? '' });

    const cases: Record<string, () => Promise<unknown>> = {
      'traces: latest 50 (7 d)': () => listTraces(driver, p, TraceListQuery.parse({}), now),
      'traces: page 2 by cursor': () => listTraces(driver, p, TraceListQuery.parse({ cursor: latest.nextCursor ?? undefined }), now),
      'traces: costliest 50 (7 d)': () => listTraces(driver, p, TraceListQuery.parse({ sort: 'costUsd' }), now),
      'traces: user filter (7 d)': () => listTraces(driver, p, TraceListQuery.parse({ userId: 'user-7' }), now),
      'traces: free text q (7 d)': () => listTraces(driver, p, TraceListQuery.parse({ q: 'warranty refund' }), now),
      'trace detail': () => getTraceDetail(driver, p, traceId),
      'metrics: spend by model, hourly (7 d)': () => queryMetrics(driver, p, 'spend', MetricsQuery.parse({ groupBy: 'model', from: week }), now),
      'metrics: failures by provider, hourly (7 d)': () => queryMetrics(driver, p, 'failures', MetricsQuery.parse({ groupBy: 'provider', from: week }), now),
      'metrics: latency by model, minute (24 h)': () => queryMetrics(driver, p, 'latency', MetricsQuery.parse({ groupBy: 'model', interval: 'minute' }), now),
      'top: costliest users (7 d)': () => queryTopList(driver, p, 'costliest-users', { limit: 20 }, now),
      'top: costliest traces (7 d)': () => queryTopList(driver, p, 'costliest-traces', { limit: 20 }, now),
      'top: costliest endpoints (7 d)': () => queryTopList(driver, p, 'costliest-endpoints', { limit: 20 }, now),
      'top: slowest calls (7 d)': () => queryTopList(driver, p, 'slowest-calls', { limit: 20 }, now),
      'top: retry loops (7 d)': () => queryTopList(driver, p, 'retry-loops', { limit: 20 }, now),
      'compare two models (7 d)': () => compareSides(driver, p, { dimension: 'model', a: model?.m ?? 'a', b: other?.m ?? 'b' }, now),
    };
    const medianMs: Record<string, number> = {};
    const spreadMs: Record<string, [number, number]> = {};
    const picked = Object.entries(cases).filter(([name]) => opts.cases === undefined || opts.cases.some((c) => name.includes(c)));
    for (const [name, fn] of picked) {
      await fn();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await fn();
        times.push(performance.now() - started);
      }
      medianMs[name] = Math.round(median(times) * 10) / 10;
      spreadMs[name] = [Math.round(Math.min(...times) * 10) / 10, Math.round(Math.max(...times) * 10) / 10];
      log(`${name}: median ${medianMs[name]} ms`);
    }
    const loadAverage = Math.round((loadavg()[0] ?? 0) * 10) / 10;
    log(`(${availableParallelism()} cores, load average ${loadAverage}: other processes skew these figures)`);
    return { cores: availableParallelism(), loadAverage, spans, medianMs, spreadMs };
  } finally {
    await driver.close();
    if (opts.storeDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const json = process.argv.includes('--json');
  const figures = await runQueryBench({
    spans: Number(cliArg('spans') ?? 1_000_000),
    runs: Number(cliArg('runs') ?? 9),
    storeDir: cliArg('store'),
    cases: cliArg('cases')?.split(','),
    log: json ? undefined : (line) => console.log(line),
  });
  if (json) console.log(JSON.stringify(figures));
}
