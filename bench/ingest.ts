// Ingest benchmark: OTLP protobuf → rows in ClickHouse (embedded chDB) end to end, with the load sent
// from a second process on loopback, beside the floor of decoding + normalising + inserting alone.
// Run: pnpm tsx --conditions=@sightline/source bench/ingest.ts [--spans=N] [--batch=N] [--concurrency=N] [--json]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPriceBook } from '../packages/pricing/src/index.ts';
import { encodeSpan, insertEncodedSpans, type EncodedSpan } from '../packages/storage/src/index.ts';
import { decodeOtlpProtobuf } from '../apps/server/src/ingest/protobuf-decode.ts';
import { startTestServer } from '../apps/server/src/ingest/test-support.ts';
import { normaliseResourceSpans } from '../apps/server/src/normalise/index.ts';
import { bodyTemplate, stampedBody, type LoadOptions, type LoadResult } from './ingest-load.ts';

export interface IngestBenchOptions {
  /** Spans sent end to end. Default 150k. */
  spans?: number;
  /** Spans per OTLP request. Default 256. */
  spansPerRequest?: number;
  /** Concurrent requests from the load process. Default 6. */
  concurrency?: number;
  /** Spans through decode + insert alone for the floor. Default 50k; 0 skips the floor. */
  floorSpans?: number;
  /** Load generator's HTTP client. Default node:http with keep-alive. */
  client?: 'http' | 'fetch';
  /**
   * A second, sustained load after the floor: this many spans against the same server, past the
   * de-duplication memory's 500k keys and with merges of the bigger parts running. 0 skips it.
   * Default 750k.
   */
  sustainedSpans?: number;
  /** Rows per insert when the server drains its spool (`SIGHTLINE_INSERT_BATCH_ROWS`). Default: the server's. */
  insertBatchRows?: number;
  log?: (line: string) => void;
}

export interface IngestBenchFigures {
  cores: number;
  loadAverage: number;
  spans: number;
  spanBytes: number;
  acknowledged: number;
  stored: number;
  lost: number;
  duplicates: number;
  /** Acknowledged spans per second (200 = durable). */
  ackedSpansPerSec: number;
  /** Spans per second until the last one was queryable in ClickHouse. */
  endToEndSpansPerSec: number;
  requestP50Ms: number;
  requestP95Ms: number;
  requestP99Ms: number;
  retried: number;
  /** decode + normalise + encode + insert (insertEncodedSpans, 10k batches), serially in one process, no HTTP. */
  floorSpansPerSec: number;
  /** Where the floor's time goes, wall µs per span. */
  floorStagesUsPerSpan?: { decode: number; normalise: number; encode: number; insert: number };
  /** The same stages in process CPU µs per span (the insert's includes chDB's engine threads). */
  floorStagesCpuUsPerSpan?: { decode: number; normalise: number; encode: number; insert: number };
  /** endToEnd / floor. */
  ratioToFloor: number;
  /**
   * CPU (user + system, all threads: chDB's engine runs in the server process) the server process
   * spent from the first request until the last span was queryable, µs per acknowledged span.
   */
  serverCpuUsPerSpan?: number;
  /** The load generator's own CPU, µs per acknowledged span (it shares the 2 cores with the server). */
  loadCpuUsPerSpan?: number;
  /**
   * serverCpuUsPerSpan by thread (Linux): the JS main thread, Node's other threads (V8's GC helpers
   * and libuv's file I/O pool: fsync, writes), and chDB's engine threads.
   */
  serverCpuByThreadUsPerSpan?: ThreadCpu;
  /** The sustained load (`sustainedSpans`), when run. */
  sustained?: SustainedFigures;
}

export interface SustainedFigures {
  spans: number;
  acknowledged: number;
  lost: number;
  endToEndSpansPerSec: number;
  requestP95Ms: number;
  retried: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));

export async function runIngestBench(opts: IngestBenchOptions = {}): Promise<IngestBenchFigures> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const spans = opts.spans ?? 150_000;
  const spansPerRequest = opts.spansPerRequest ?? 256;
  const server = await startTestServer({
    logLevel: 'error',
    flushRows: '10000',
    flushDelayMs: '30',
    maxQueuedRows: '100000',
    ...(opts.insertBatchRows !== undefined ? { insertBatchRows: String(opts.insertBatchRows) } : {}),
  });
  try {
    log(`ingest bench: ${spans} spans, ${spansPerRequest}/request, concurrency ${opts.concurrency ?? 6}, server ${server.url}`);
    const cpuSamples = sampleCpu();
    const { load, stored, storedAt } = await loadUntilStored(server, { url: server.url, key: server.key, spans, spansPerRequest, concurrency: opts.concurrency ?? 6, runTag: 1, client: opts.client ?? 'http' });
    const serverCpu = cpuSamples.stop(load.startedAtMs, storedAt);
    const perSpan = (us: number) => round(us / load.acknowledged);
    const duplicates = await server.duplicateCount();
    const q = quantiles(load.latenciesMs);

    const floorSpans = opts.floorSpans ?? 50_000;
    if (floorSpans > 0) log('measuring the floor: decode + normalise + insertSpans, no HTTP…');
    const none = { decode: 0, normalise: 0, encode: 0, insert: 0 };
    const floor = floorSpans > 0 ? await measureFloor(server.driver, floorSpans, spansPerRequest) : { spansPerSec: Number.NaN, stages: none, cpu: none };
    const endToEnd = load.acknowledged / ((storedAt - load.startedAtMs) / 1000);
    const sustainedSpans = opts.sustainedSpans ?? 750_000;
    let sustained: SustainedFigures | undefined;
    if (sustainedSpans > 0) {
      log(`sustained load: ${sustainedSpans} more spans…`);
      const run = await loadUntilStored(server, { url: server.url, key: server.key, spans: sustainedSpans, spansPerRequest, concurrency: opts.concurrency ?? 6, runTag: 4, client: opts.client ?? 'http' });
      sustained = {
        spans: sustainedSpans,
        acknowledged: run.load.acknowledged,
        // Duplicates are counted over the whole store: the first load's are already in `lost` above.
        lost: run.load.acknowledged - run.stored + ((await server.duplicateCount()) - duplicates),
        endToEndSpansPerSec: Math.round(run.load.acknowledged / ((run.storedAt - run.load.startedAtMs) / 1000)),
        requestP95Ms: quantiles(run.load.latenciesMs)(0.95),
        retried: run.load.retried,
      };
      log(`sustained: ${sustained.endToEndSpansPerSec} spans/s end to end, p95 ${sustained.requestP95Ms} ms, ${sustained.lost} lost`);
    }
    const figures: IngestBenchFigures = {
      cores: availableParallelism(),
      loadAverage: round(loadavg()[0] ?? 0),
      spans,
      spanBytes: Math.round(load.bodyBytes / spansPerRequest),
      acknowledged: load.acknowledged,
      stored,
      lost: load.acknowledged - stored + duplicates,
      duplicates,
      ackedSpansPerSec: Math.round(load.acknowledged / ((load.lastAckAtMs - load.startedAtMs) / 1000)),
      endToEndSpansPerSec: Math.round(endToEnd),
      requestP50Ms: q(0.5),
      requestP95Ms: q(0.95),
      requestP99Ms: q(0.99),
      retried: load.retried,
      floorSpansPerSec: Math.round(floor.spansPerSec),
      floorStagesUsPerSpan: floor.stages,
      floorStagesCpuUsPerSpan: floor.cpu,
      ratioToFloor: round(endToEnd / floor.spansPerSec),
      serverCpuUsPerSpan: perSpan(serverCpu.total),
      ...(serverCpu.byThread === null
        ? {}
        : { serverCpuByThreadUsPerSpan: { main: perSpan(serverCpu.byThread.main), nodeHelpers: perSpan(serverCpu.byThread.nodeHelpers), engine: perSpan(serverCpu.byThread.engine) } }),
      ...(load.cpuUs === undefined ? {} : { loadCpuUsPerSpan: round(load.cpuUs / load.acknowledged) }),
      ...(sustained === undefined ? {} : { sustained }),
    };
    return figures;
  } finally {
    await server.close();
  }
}

/**
 * Samples this process's CPU every 50 ms so the CPU between two wall-clock instants reported by
 * the load process (its first request, the last span stored) can be read off afterwards.
 */
function sampleCpu(): { stop(fromMs: number, toMs: number): { total: number; byThread: ThreadCpu | null } } {
  const samples: [number, number, ThreadCpu | null][] = [];
  let n = 0;
  const take = () => {
    const c = process.cpuUsage();
    // Reading every thread's stat costs ~1 ms with chDB's ~100 threads: every 4th sample only.
    samples.push([Date.now(), c.user + c.system, n++ % 4 === 0 ? threadCpu() : null]);
  };
  take();
  const timer = setInterval(take, 50);
  return {
    stop(fromMs, toMs) {
      clearInterval(timer);
      n = 0;
      take();
      const at = <T>(ms: number, pick: (s: [number, number, ThreadCpu | null]) => T | null): T | null => {
        let best: [number, T] | null = null;
        for (const s of samples) {
          const v = pick(s);
          if (v !== null && (best === null || Math.abs(s[0] - ms) < Math.abs(best[0] - ms))) best = [s[0], v];
        }
        return best?.[1] ?? null;
      };
      const total = (at(toMs, (s) => s[1]) ?? 0) - (at(fromMs, (s) => s[1]) ?? 0);
      const a = at(fromMs, (s) => s[2]);
      const b = at(toMs, (s) => s[2]);
      const byThread = a && b ? { main: b.main - a.main, nodeHelpers: b.nodeHelpers - a.nodeHelpers, engine: b.engine - a.engine } : null;
      return { total, byThread };
    },
  };
}

interface ThreadCpu {
  main: number;
  nodeHelpers: number;
  engine: number;
}

/** CPU µs of this process's threads by group, from /proc (null elsewhere). */
function threadCpu(): ThreadCpu | null {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  const out: ThreadCpu = { main: 0, nodeHelpers: 0, engine: 0 };
  const usPerTick = 1e6 / 100; // USER_HZ is 100 on Linux
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const us = (Number(fields[11]) + Number(fields[12])) * usPerTick;
    // Node names all its threads after the process; chDB names its own (ThreadPool, MergeMutate, ...).
    if (Number(tid) === process.pid) out.main += us;
    else if (name === 'node' || name.startsWith('V8 ') || name.startsWith('libuv')) out.nodeHelpers += us;
    else out.engine += us;
  }
  return out;
}

/** Runs one load and waits (at most 2 minutes) until every acknowledged span is queryable. */
async function loadUntilStored(
  server: Awaited<ReturnType<typeof startTestServer>>,
  o: LoadOptions,
): Promise<{ load: LoadResult; stored: number; storedAt: number }> {
  const before = await server.countSpans();
  const load = await runLoadProcess(o);
  let stored = (await server.countSpans()) - before;
  const waitUntil = Date.now() + 120_000;
  while (stored < load.acknowledged && Date.now() < waitUntil) {
    await new Promise((r) => setTimeout(r, 50));
    stored = (await server.countSpans()) - before;
  }
  return { load, stored, storedAt: Date.now() };
}

/** Request latency quantiles, ms. */
function quantiles(latenciesMs: readonly number[]): (p: number) => number {
  const lat = [...latenciesMs].sort((a, b) => a - b);
  return (p) => round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0);
}

function runLoadProcess(o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sightline/source', join(HERE, 'ingest-load.ts'), '--child', JSON.stringify(o)], {
      cwd: join(HERE, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load process exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult);
    });
  });
}

async function measureFloor(
  driver: Parameters<typeof insertEncodedSpans>[0],
  spans: number,
  spansPerRequest: number,
): Promise<{ spansPerSec: number; stages: NonNullable<IngestBenchFigures['floorStagesUsPerSpan']>; cpu: NonNullable<IngestBenchFigures['floorStagesCpuUsPerSpan']> }> {
  const template = bodyTemplate(spansPerRequest);
  const priceBook = createPriceBook();
  const requests = Math.ceil(spans / spansPerRequest);
  const bodies = Array.from({ length: requests }, (_, r) => stampedBody(template, 2, r));
  const ms = { decode: 0, normalise: 0, encode: 0, insert: 0 };
  const cpu = { decode: 0, normalise: 0, encode: 0, insert: 0 };
  const cpuNow = () => {
    const c = process.cpuUsage();
    return c.user + c.system;
  };
  const stage = <T>(name: keyof typeof ms, work: () => T): T => {
    const t = performance.now();
    const c = cpuNow();
    const out = work();
    ms[name] += performance.now() - t;
    cpu[name] += cpuNow() - c;
    return out;
  };
  const t0 = performance.now();
  let batch: EncodedSpan[] = [];
  const insert = async (): Promise<void> => {
    const t = performance.now();
    const c = cpuNow();
    await insertEncodedSpans(driver, batch);
    ms.insert += performance.now() - t;
    cpu.insert += cpuNow() - c;
    batch = [];
  };
  for (const body of bodies) {
    const decoded = stage('decode', () => decodeOtlpProtobuf(body));
    for (const rs of decoded.resourceSpans) {
      const rows = stage('normalise', () => normaliseResourceSpans(rs, { projectId: 'floor', priceBook }).rows);
      stage('encode', () => {
        for (const row of rows) batch.push(encodeSpan(row));
      });
    }
    if (batch.length >= 10_000) await insert();
  }
  if (batch.length > 0) await insert();
  const n = requests * spansPerRequest;
  const us = (v: number) => round((v * 1000) / n);
  const perSpan = (v: number) => round(v / n);
  return {
    spansPerSec: n / ((performance.now() - t0) / 1000),
    stages: { decode: us(ms.decode), normalise: us(ms.normalise), encode: us(ms.encode), insert: us(ms.insert) },
    cpu: { decode: perSpan(cpu.decode), normalise: perSpan(cpu.normalise), encode: perSpan(cpu.encode), insert: perSpan(cpu.insert) },
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function arg(name: string): number | undefined {
  const v = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return v === undefined ? undefined : Number(v);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--help')) {
    process.stdout.write(
      [
        'usage: pnpm tsx --conditions=@sightline/source bench/ingest.ts [options]',
        '  --spans=N          spans sent end to end (default 150000)',
        '  --batch=N          spans per OTLP request (default 256)',
        '  --concurrency=N    requests in flight from the load process (default 6)',
        '  --floor-spans=N    spans through decode + normalise + insert alone for the floor (default 50000; 0 skips it)',
        '  --sustained-spans=N  a second load after the floor, past the de-duplication memory (default 750000; 0 skips it)',
        '  --fetch            load process sends with fetch (undici) instead of node:http',
        "  --insert-batch-rows=N  rows per insert when the server drains its spool (default: the server's)",
        '  --json             one JSON line of figures on stdout',
        'CPU per span of the JS stages alone (no HTTP, no chDB): bench/ingest-stages.ts',
      ].join('\n') + '\n',
    );
    process.exit(0);
  }
  const spans = arg('spans');
  const batch = arg('batch');
  const concurrency = arg('concurrency');
  const floorSpans = arg('floor-spans');
  const sustainedSpans = arg('sustained-spans');
  const insertBatchRows = arg('insert-batch-rows');
  const f = await runIngestBench({
    ...(spans ? { spans } : {}),
    ...(batch ? { spansPerRequest: batch } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(floorSpans !== undefined ? { floorSpans } : {}),
    ...(sustainedSpans !== undefined ? { sustainedSpans } : {}),
    ...(process.argv.includes('--fetch') ? { client: 'fetch' as const } : {}),
    ...(insertBatchRows !== undefined ? { insertBatchRows } : {}),
  });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(f)}\n`);
  else {
    const pass = (ok: boolean) => (ok ? 'ok' : 'BELOW TARGET');
    process.stdout.write(
      [
        `ingest end to end (OTLP protobuf → rows in chDB), ${f.cores} cores, load average ${f.loadAverage}`,
        `  spans                 ${f.spans} of ~${f.spanBytes} B (protobuf)`,
        `  acknowledged / stored ${f.acknowledged} / ${f.stored}   lost ${f.lost}   duplicates ${f.duplicates}   retried requests ${f.retried}`,
        `  acknowledged rate     ${f.ackedSpansPerSec} spans/s`,
        `  end to end rate       ${f.endToEndSpansPerSec} spans/s   (target ≥ 25000: ${pass(f.endToEndSpansPerSec >= 25_000)})`,
        `  request latency       p50 ${f.requestP50Ms} ms   p95 ${f.requestP95Ms} ms   p99 ${f.requestP99Ms} ms   (target p95 ≤ 250: ${pass(f.requestP95Ms <= 250)})`,
        `  floor (decode+insert) ${f.floorSpansPerSec} spans/s in one process, no HTTP, serial`,
        `    wall µs per span    ${Object.entries(f.floorStagesUsPerSpan ?? {}).map(([stage, us]) => `${stage} ${us}`).join('   ')}   (insert = dedup + chDB)`,
        `    CPU µs per span     ${Object.entries(f.floorStagesCpuUsPerSpan ?? {}).map(([stage, us]) => `${stage} ${us}`).join('   ')}   (insert: all threads, chDB's engine included)`,
        `  end to end / floor    ${f.ratioToFloor}`,
        `  CPU per span          server ${f.serverCpuUsPerSpan} µs (all threads, first request → last span stored)   load generator ${f.loadCpuUsPerSpan} µs`,
        ...(f.serverCpuByThreadUsPerSpan
          ? [`    server by thread    ${Object.entries(f.serverCpuByThreadUsPerSpan).map(([k, v]) => `${k} ${v}`).join('   ')}   (main = JS event loop; nodeHelpers = GC helpers + file I/O pool; engine = chDB)`]
          : []),
        ...(f.sustained
          ? [`  sustained             ${f.sustained.spans} more spans: ${f.sustained.endToEndSpansPerSec} spans/s end to end, p95 ${f.sustained.requestP95Ms} ms, lost ${f.sustained.lost}, retried requests ${f.sustained.retried}`]
          : []),
      ].join('\n') + '\n',
    );
  }
}
