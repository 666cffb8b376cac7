// Storage benchmark: insert rate into chDB and query latency at 1M (or 10M with --10m) spans.
// Run: pnpm tsx --conditions=@sightline/source bench/storage.ts [--spans=N] [--10m] [--json]
//   [--insert-rows=N] [--batch-size=N] [--in-flight=N] [--insert-only (the insert measurement alone)]
//   [--large-batch-size=N (default 50000; 0 skips the big-block insert)] [--large-batch-rows=N (default 200000)]
//   [--sustained-rows=N (default 1000000; 0 skips the sustained insert)]
//   [--after-migrate='SQL;SQL' (statements run after the migrations: A/B runs of a schema variant)]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { SpanRow } from '../packages/contracts/src/index.ts';
import { spanRow } from '../packages/storage/src/testing/span-fixtures.ts';
import { insertSpans, migrate, openDriver, type Driver } from '../packages/storage/src/index.ts';
import { BENCH_PROJECT, jsContentPool, jsSpanBatch, synthesiseSpans } from './storage-synth.ts';
import { cliArg } from './bench-env.ts';

export interface StorageBenchOptions {
  /** Spans synthesised for the query measurements. Default 1M. */
  spans?: number;
  /** Rows pushed through insertSpans from JS for the insert rate. Default 100k. */
  insertRows?: number;
  /** Rows per insert batch. Default 10k. */
  batchSize?: number;
  /** Inserts in flight at once (concurrent ingest batches). Default 2. */
  inFlight?: number;
  /**
   * A second insert measurement with bigger blocks (the engine's cost per row falls with block size),
   * `largeBatchRows` rows in `largeBatchSize`-row batches. 0 skips it. Default 50k-row blocks, 200k rows.
   */
  largeBatchSize?: number;
  largeBatchRows?: number;
  /**
   * A third insert measurement, sustained: this many rows in `batchSize`-row batches, past the
   * de-duplication memory's 500k keys, as a server under steady load gets them. 0 skips it.
   * Default 1M.
   */
  sustainedRows?: number;
  /** Measure the insert rate only: no synthesis, no queries (their figures are left empty). */
  insertOnly?: boolean;
  /** Runs per query; the median is reported. Default 15. */
  runs?: number;
  /** Data directory; a fresh temp dir (removed afterwards) by default. */
  dataDir?: string;
  /**
   * Statements run after the migrations, for A/B runs of a schema variant without editing a
   * migration: `['SYSTEM STOP MERGES']`, `['ALTER TABLE spans DROP INDEX idx_res_attr_key']`.
   */
  afterMigrate?: string[];
  log?: (line: string) => void;
}

export interface StorageBenchFigures {
  cores: number;
  /** 1-minute load average at the end: other processes on the box skew every figure. */
  loadAverage: number;
  spans: number;
  avgRowBytes: number;
  insertRowsPerSec: number;
  insertMBPerSec: number;
  /** CPU microseconds per inserted row, all threads (JS + engine). */
  insertCpuUsPerRow: number;
  /** What the CPU cost allows with every core free for Sightline: cores × 1e6 / insertCpuUsPerRow. */
  insertRowsPerSecAllCores: number;
  /** The same insert with bigger blocks (`largeBatchSize`), when measured. */
  largeBlocks?: InsertFigures & { batchSize: number };
  /** The sustained insert (`sustainedRows`), when measured. */
  sustained?: InsertFigures & { rows: number; generationCpuUsPerRow: number };
  synthRowsPerSec: number;
  bytesOnDiskPerSpan: number;
  rollupBytesOnDisk: number;
  queryMedianMs: Record<string, number>;
  /** [min, max] over the same runs as the median. */
  querySpreadMs: Record<string, [number, number]>;
  targets: Record<string, { value: number; target: number; ok: boolean }>;
}

export async function runStorageBench(opts: StorageBenchOptions = {}): Promise<StorageBenchFigures> {
  const spans = opts.spans ?? 1_000_000;
  const insertRows = opts.insertRows ?? 100_000;
  const batchSize = opts.batchSize ?? 10_000;
  const inFlight = opts.inFlight ?? 2;
  const runs = opts.runs ?? 15;
  const log = opts.log ?? (() => undefined);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sightline-bench-'));
  const driver = await openDriver({ mode: 'embedded', dataDir, database: 'bench' });
  try {
    await migrate(driver, { retentionDays: 30 });
    for (const statement of opts.afterMigrate ?? []) {
      log(`after the migrations: ${statement}`);
      await driver.command(statement);
    }

    // 1. Insert rate through the real path (validation, de-duplication, TabSeparated into chDB);
    // background merges of the inserted parts run meanwhile and their CPU counts, as in production.
    const base = spanRow({ ProjectId: 'bench_insert' });
    const sample = jsSpanBatch(base, 1, 0)[0];
    const avgRowBytes = Buffer.byteLength(JSON.stringify(sample));
    const measured = await measureInsert(driver, base, insertRows, batchSize, inFlight);
    log(`insert: ${insertRows} rows of ~${avgRowBytes} B in ${batchSize}-row batches, ${inFlight} in flight: ${measured.insertRowsPerSec} rows/s wall, ${measured.insertCpuUsPerRow} µs CPU per row`);
    const largeBatchSize = opts.largeBatchSize ?? 50_000;
    let largeBlocks: StorageBenchFigures['largeBlocks'];
    if (largeBatchSize > 0 && largeBatchSize !== batchSize) {
      const rows = opts.largeBatchRows ?? 200_000;
      // Another project: these spans are new to the de-duplication, not repeats of the first run's.
      largeBlocks = { batchSize: largeBatchSize, ...(await measureInsert(driver, spanRow({ ProjectId: 'bench_insert_large' }), rows, largeBatchSize, inFlight)) };
      log(`insert: ${rows} rows in ${largeBatchSize}-row batches: ${largeBlocks.insertRowsPerSec} rows/s wall, ${largeBlocks.insertCpuUsPerRow} µs CPU per row`);
    }
    const sustainedRows = opts.sustainedRows ?? 1_000_000;
    let sustained: StorageBenchFigures['sustained'];
    if (sustainedRows > 0) {
      sustained = { rows: sustainedRows, ...(await measureSustainedInsert(driver, spanRow({ ProjectId: 'bench_insert_sustained' }), sustainedRows, batchSize, inFlight)) };
      log(`insert: ${sustainedRows} rows sustained in ${batchSize}-row batches: ${sustained.insertRowsPerSec} rows/s wall, ${sustained.insertCpuUsPerRow} µs CPU per row`);
    }
    const insertCpuUsPerRow = measured.insertCpuUsPerRow;
    const insertRowsPerSec = measured.insertRowsPerSec;
    const insertFigures = {
      cores: availableParallelism(),
      avgRowBytes,
      ...measured,
      insertMBPerSec: round((insertRowsPerSec * avgRowBytes) / 1e6),
      ...(largeBlocks !== undefined ? { largeBlocks } : {}),
      ...(sustained !== undefined ? { sustained } : {}),
    };
    if (opts.insertOnly === true) {
      return {
        ...insertFigures,
        loadAverage: round(loadavg()[0] ?? 0),
        spans: 0,
        synthRowsPerSec: 0,
        bytesOnDiskPerSpan: 0,
        rollupBytesOnDisk: 0,
        queryMedianMs: {},
        querySpreadMs: {},
        targets: {
          insertRowsPerSec: target(insertRowsPerSec, 35_000, true),
          insertRowsPerSecAllCores: target(insertFigures.insertRowsPerSecAllCores, 35_000, true),
        },
      };
    }

    // 2. Synthesise the query data set inside the engine.
    const chunk = 500_000;
    const synthStarted = performance.now();
    for (let offset = 0; offset < spans; offset += chunk) {
      await synthesiseSpans(driver, offset, Math.min(chunk, spans - offset), 7, spans);
      log(`synthesised ${Math.min(offset + chunk, spans)} / ${spans}`);
    }
    const synthRowsPerSec = spans / ((performance.now() - synthStarted) / 1000);

    // 3. Query latency (medians; merges may still be running, as in production).
    const [recent] = await driver.query<{ TraceId: string }>(
      `SELECT TraceId FROM spans WHERE ProjectId = {p:String} AND ParentSpanId = '' ORDER BY Timestamp DESC LIMIT 1 OFFSET 500`,
      { p: BENCH_PROJECT },
    );
    const traceId = recent?.TraceId ?? '';
    const p = BENCH_PROJECT;
    const queries: Record<string, () => Promise<unknown>> = {
      traceList: () =>
        nonEmpty(driver.query(
          `SELECT TraceId, SpanName, ServiceName, toString(toUnixTimestamp64Nano(Timestamp)) AS start, Duration, StatusCode, UserId
           FROM spans WHERE ProjectId = {p:String} AND ParentSpanId = '' ORDER BY Timestamp DESC LIMIT 50`,
          { p },
        ), 'traceList'),
      // One round trip: the scalar subqueries are evaluated before index analysis, so trace_index's
      // start/end bound the primary-key range; FINAL as every raw read (a slipped duplicate counts once).
      traceDetail: () =>
        nonEmpty(
          driver.query(
            `SELECT * FROM spans FINAL
             WHERE ProjectId = {p:String} AND TraceId = {t:String}
               AND Timestamp >= (SELECT min(Start) FROM trace_index WHERE ProjectId = {p:String} AND TraceId = {t:String})
               AND Timestamp <= (SELECT max(End) FROM trace_index WHERE ProjectId = {p:String} AND TraceId = {t:String})
             ORDER BY Timestamp`,
            { p, t: traceId },
          ),
          'traceDetail',
        ),
      spendByModelHour: () =>
        nonEmpty(driver.query(
          `SELECT Bucket, Model, sum(CostNanos) AS cost FROM rollup_hourly
           WHERE ProjectId = {p:String} AND Bucket >= now() - INTERVAL 7 DAY GROUP BY Bucket, Model ORDER BY Bucket, Model`,
          { p },
        ), 'spendByModelHour'),
      errorRateByModel: () =>
        nonEmpty(driver.query(
          `SELECT Model, sum(Errors) / sum(Calls) AS errorRate FROM rollup_hourly
           WHERE ProjectId = {p:String} AND Bucket >= now() - INTERVAL 7 DAY GROUP BY Model ORDER BY Model`,
          { p },
        ), 'errorRateByModel'),
      p95LatencyByModel: () =>
        nonEmpty(driver.query(
          `SELECT Model, quantilesTDigestMerge(0.5, 0.95, 0.99)(DurationMsQuantiles)[2] AS p95 FROM rollup_hourly
           WHERE ProjectId = {p:String} AND Bucket >= now() - INTERVAL 7 DAY GROUP BY Model ORDER BY Model`,
          { p },
        ), 'p95LatencyByModel'),
    };
    const queryMedianMs: Record<string, number> = {};
    const querySpreadMs: Record<string, [number, number]> = {};
    for (const [name, fn] of Object.entries(queries)) {
      await fn(); // warm caches, as a dashboard would be
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await fn();
        times.push(performance.now() - started);
      }
      queryMedianMs[name] = round(median(times));
      querySpreadMs[name] = [round(Math.min(...times)), round(Math.max(...times))];
      log(`${name}: median ${queryMedianMs[name]} ms over ${runs} runs`);
    }

    const [disk] = await driver.query<{ spanBytes: number; spanRows: number; rollupBytes: number }>(
      `SELECT sumIf(bytes_on_disk, table = 'spans') AS spanBytes, sumIf(rows, table = 'spans') AS spanRows,
         sumIf(bytes_on_disk, table LIKE 'rollup_%') AS rollupBytes
       FROM system.parts WHERE database = {db:String} AND active`,
      { db: driver.database },
    );
    const targets = {
      insertRowsPerSec: target(insertRowsPerSec, 35_000, true),
      insertRowsPerSecAllCores: target((availableParallelism() * 1e6) / insertCpuUsPerRow, 35_000, true),
      traceListMs: target(queryMedianMs.traceList ?? NaN, 50, false),
      traceDetailMs: target(queryMedianMs.traceDetail ?? NaN, 50, false),
      spendByModelHourMs: target(queryMedianMs.spendByModelHour ?? NaN, 100, false),
      errorRateByModelMs: target(queryMedianMs.errorRateByModel ?? NaN, 100, false),
      p95LatencyByModelMs: target(queryMedianMs.p95LatencyByModel ?? NaN, 100, false),
    };
    return {
      ...insertFigures,
      loadAverage: round(loadavg()[0] ?? 0),
      spans,
      synthRowsPerSec: Math.round(synthRowsPerSec),
      bytesOnDiskPerSpan: Math.round((disk?.spanBytes ?? 0) / Math.max(1, disk?.spanRows ?? 1)),
      rollupBytesOnDisk: disk?.rollupBytes ?? 0,
      queryMedianMs,
      querySpreadMs,
      targets,
    };
  } finally {
    await driver.close();
    if (opts.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}


interface InsertFigures {
  insertRowsPerSec: number;
  /** CPU microseconds per inserted row, all threads (JS + engine). */
  insertCpuUsPerRow: number;
  /** cores × 1e6 / insertCpuUsPerRow. */
  insertRowsPerSecAllCores: number;
}

/**
 * Batches are built up front (the ingest path has them decoded already), their contents drawn from one
 * batch-sized pool (see jsSpanBatch); `inFlight` at a time, as with concurrent ingest requests, so JSON
 * encoding overlaps the engine's parsing. chDB runs in this process, so the process CPU time covers JSON
 * encoding and the engine's parsing, compression and views: a per-row cost other load does not inflate.
 */
async function measureInsert(driver: Driver, base: SpanRow, rows: number, batchSize: number, inFlight: number): Promise<InsertFigures> {
  const batches: SpanRow[][] = [];
  const pool = jsContentPool(Math.min(batchSize, rows));
  for (let done = 0; done < rows; done += batchSize) batches.push(jsSpanBatch(base, Math.min(batchSize, rows - done), done, pool));
  return timeInserts(driver, rows, inFlight, (from) => batches[from / batchSize] ?? []);
}

/**
 * Like measureInsert, but each batch is made just before it is inserted: holding a million rows
 * would charge the measurement garbage-collection work production does not do. Making the rows
 * costs the main thread a few µs per row; it is left out of the CPU per row and is in the wall time.
 */
async function measureSustainedInsert(
  driver: Driver,
  base: SpanRow,
  rows: number,
  batchSize: number,
  inFlight: number,
): Promise<InsertFigures & { generationCpuUsPerRow: number }> {
  const pool = jsContentPool(Math.min(batchSize, rows));
  let generationUs = 0;
  const make = (from: number): SpanRow[] => {
    // Synchronous JS on the main thread, timed by the clock: process CPU would also count the
    // engine threads writing the other batch in flight meanwhile.
    const before = performance.now();
    const batch = jsSpanBatch(base, Math.min(batchSize, rows - from), from, pool);
    // Spans started within the last second, as a server under steady load receives them.
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    for (let i = 0; i < batch.length; i++) (batch[i] as SpanRow).Timestamp = (nowNs - BigInt(i) * 100_000n).toString();
    generationUs += (performance.now() - before) * 1000;
    return batch;
  };
  const figures = await timeInserts(driver, rows, inFlight, make, () => generationUs);
  return { ...figures, generationCpuUsPerRow: round(generationUs / rows) };
}

/**
 * Inserts `rows` rows through insertSpans, `inFlight` batches at once, `batchAt(from)` giving the
 * batch that starts at row `from`; wall time and process CPU, less `excludedUs()` of it.
 */
async function timeInserts(driver: Driver, rows: number, inFlight: number, batchAt: (from: number) => SpanRow[], excludedUs = () => 0): Promise<InsertFigures> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows) {
      const batch = batchAt(next);
      if (batch.length === 0) throw new Error(`no batch at row ${next}`);
      next += batch.length;
      const result = await insertSpans(driver, batch);
      if (result.inserted !== batch.length) throw new Error(`expected ${batch.length} inserted, got ${result.inserted}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const rowsPerSec = rows / ((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuUsPerRow = (cpu.user + cpu.system - excludedUs()) / rows;
  return {
    insertRowsPerSec: Math.round(rowsPerSec),
    insertCpuUsPerRow: round(cpuUsPerRow),
    insertRowsPerSecAllCores: Math.round((availableParallelism() * 1e6) / cpuUsPerRow),
  };
}

async function nonEmpty(rows: Promise<unknown[]>, name: string): Promise<void> {
  if ((await rows).length === 0) throw new Error(`${name} returned no rows: the benchmark would time nothing`);
}

function target(value: number, goal: number, higherIsBetter: boolean): { value: number; target: number; ok: boolean } {
  return { value: round(value), target: goal, ok: higherIsBetter ? value >= goal : value <= goal };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const spans = process.argv.includes('--10m') ? 10_000_000 : Number(cliArg('spans') ?? 1_000_000);
  const figures = await runStorageBench({
    spans,
    ...(cliArg('insert-rows') === undefined ? {} : { insertRows: Number(cliArg('insert-rows')) }),
    ...(cliArg('batch-size') === undefined ? {} : { batchSize: Number(cliArg('batch-size')) }),
    ...(cliArg('in-flight') === undefined ? {} : { inFlight: Number(cliArg('in-flight')) }),
    ...(cliArg('large-batch-size') === undefined ? {} : { largeBatchSize: Number(cliArg('large-batch-size')) }),
    ...(cliArg('large-batch-rows') === undefined ? {} : { largeBatchRows: Number(cliArg('large-batch-rows')) }),
    ...(cliArg('sustained-rows') === undefined ? {} : { sustainedRows: Number(cliArg('sustained-rows')) }),
    insertOnly: process.argv.includes('--insert-only'),
    // --after-migrate='SYSTEM STOP MERGES;ALTER TABLE spans DROP INDEX idx_res_attr_key'
    ...(cliArg('after-migrate') === undefined ? {} : { afterMigrate: (cliArg('after-migrate') ?? '').split(';').filter((s) => s.trim() !== '') }),
    log: (line) => console.log(line),
  });
  if (process.argv.includes('--json')) console.log(JSON.stringify(figures));
  else {
    console.log(`\nstorage bench on ${figures.cores} cores (load average ${figures.loadAverage}), ${figures.spans.toLocaleString('en')} spans for queries (~${figures.avgRowBytes} B/row as JSON)`);
    console.log(`insert via insertSpans: ${figures.insertRowsPerSec.toLocaleString('en')} rows/s wall (${figures.insertMBPerSec} MB/s); ${figures.insertCpuUsPerRow} µs CPU/row → ${figures.insertRowsPerSecAllCores.toLocaleString('en')} rows/s on ${figures.cores} free cores`);
    const large = figures.largeBlocks;
    if (large !== undefined) {
      console.log(`  with ${large.batchSize.toLocaleString('en')}-row blocks: ${large.insertRowsPerSec.toLocaleString('en')} rows/s wall; ${large.insertCpuUsPerRow} µs CPU/row → ${large.insertRowsPerSecAllCores.toLocaleString('en')} rows/s on ${figures.cores} free cores`);
    }
    const sustained = figures.sustained;
    if (sustained !== undefined) {
      console.log(`  sustained over ${sustained.rows.toLocaleString('en')} rows: ${sustained.insertRowsPerSec.toLocaleString('en')} rows/s wall; ${sustained.insertCpuUsPerRow} µs CPU/row (making the rows, ${sustained.generationCpuUsPerRow} µs, left out)`);
    }
    console.log(`synthesis in-engine: ${figures.synthRowsPerSec.toLocaleString('en')} rows/s`);
    console.log(`bytes on disk per span: ${figures.bytesOnDiskPerSpan}; rollups total ${(figures.rollupBytesOnDisk / 1e6).toFixed(1)} MB`);
    for (const [name, t] of Object.entries(figures.targets)) {
      const ratio = name.startsWith('insertRowsPerSec') ? t.value / t.target : t.target / t.value;
      console.log(`${t.ok ? 'ok  ' : 'MISS'} ${name.padEnd(22)} ${String(t.value).padStart(10)}  target ${t.target}  (×${ratio.toFixed(2)} headroom)`);
    }
  }
}
