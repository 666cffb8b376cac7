// SDK overhead benchmark (issue 3 figures, issue 9 comparison). Each mode runs in a fresh worker
// process that first measures the unwrapped client, so every "added" figure is a same-process
// difference; the LLM server and the OTLP sink run in processes of their own.
//
//   pnpm tsx --conditions=@sightline/source bench/sdk-overhead.ts [--rounds 3] [--calls 400] [--blocks 5] [--modes bare-otel,sightline] [--plain-only | --stream-only] [--quick]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Mode } from './sdk-bench-modes.ts';
import { startLlmServer, startSink } from './sdk-bench-servers.ts';
import type { PhaseResult, WorkerConfig } from './sdk-bench-worker.ts';

export interface SdkBenchOptions {
  modes?: Mode[];
  streams?: boolean[];
  rounds?: number;
  calls?: number;
  blocks?: number;
  /** Calls of each client before measuring (JIT warm-up). */
  warmup?: number;
  /** Target calls/s of the event-loop stall phase. */
  rate?: number;
  stallMs?: number;
  log?: (line: string) => void;
}

export interface ModeFigures {
  mode: Mode;
  stream: boolean;
  /** Medians over rounds, with [min, max] spread. */
  addedCpuUs: [number, number, number];
  addedCpuInCallUs: [number, number, number];
  addedWallUs: [number, number, number];
  /** Added wall time per call over loopback to the LLM server process. */
  addedNetWallUs: [number, number, number];
  /** CPU of the unwrapped call itself, for scale. */
  baseCpuUs: number;
  stallP99Ms: [number, number, number];
  baseStallP99Ms: number;
  achievedRate: number;
  heapGrowthMb: number;
  ratioToBare: number;
}

interface WorkerResult {
  base: PhaseResult;
  mode: PhaseResult;
  addedInCallUs: number;
  addedTotalUs: number;
}

// 'bare-otel-again' measures the reference a second time, in workers of its own: its ratio to the
// first is what two measurements of the same code differ by across processes on this box.
const ALL_MODES: Mode[] = ['bare-otel', 'bare-otel-again', 'sightline', 'sightline-noexport', 'openllmetry', 'openinference', 'langfuse'];

function stats(xs: number[]): [number, number, number] {
  const s = [...xs].sort((a, b) => a - b);
  const mid = ((s[Math.floor((s.length - 1) / 2)] ?? NaN) + (s[Math.floor(s.length / 2)] ?? NaN)) / 2;
  return [mid, s[0] ?? NaN, s[s.length - 1] ?? NaN];
}

function runWorker(cfg: WorkerConfig): Promise<WorkerResult> {
  const worker = fileURLToPath(new URL('./sdk-bench-worker.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--conditions=@sightline/source', '--import', 'tsx', worker], {
      env: { ...process.env, SDK_BENCH: JSON.stringify(cfg) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as WorkerResult);
      } catch {
        reject(new Error(`worker ${cfg.mode} exited ${code}: ${err.slice(-2000)}`));
      }
    });
  });
}

/** Runs the comparison and returns per-mode figures; prints a table through `log`. */
export async function runSdkBench(opts: SdkBenchOptions = {}): Promise<ModeFigures[]> {
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const modes = opts.modes ?? ALL_MODES;
  const streams = opts.streams ?? [false, true];
  const rounds = opts.rounds ?? 3;
  const llm = await startLlmServer();
  const sink = await startSink();
  const results = new Map<string, WorkerResult[]>();
  try {
    for (let r = 0; r < rounds; r++) {
      for (const stream of streams) {
        for (const mode of modes) {
          const cfg: WorkerConfig = {
            mode, stream, llmUrl: llm.url, sinkUrl: sink.url,
            calls: opts.calls ?? 400, blocks: opts.blocks ?? 5, warmup: opts.warmup ?? 2000, rate: opts.rate ?? 5000, stallMs: opts.stallMs ?? 2000,
          };
          try {
            const res = await runWorker(cfg);
            const key = `${mode}|${stream}`;
            results.set(key, [...(results.get(key) ?? []), res]);
            log(`round ${r + 1}/${rounds} ${stream ? 'stream' : 'plain '} ${mode.padEnd(18)} +cpu ${res.addedTotalUs.toFixed(0)} µs`);
          } catch (err) {
            log(`round ${r + 1}/${rounds} ${mode}: FAILED ${(err as Error).message.split('\n')[0]}`);
          }
        }
      }
    }
  } finally {
    llm.stop();
    sink.stop();
  }
  const figures: ModeFigures[] = [];
  for (const stream of streams) {
    const bare = results.get(`bare-otel|${stream}`) ?? [];
    const bareCpu = stats(bare.map((x) => x.addedTotalUs))[0];
    for (const mode of modes) {
      const rs = results.get(`${mode}|${stream}`);
      if (!rs?.length) continue;
      const added = stats(rs.map((x) => x.addedTotalUs));
      figures.push({
        mode, stream,
        addedCpuUs: added,
        addedCpuInCallUs: stats(rs.map((x) => x.addedInCallUs)),
        baseCpuUs: stats(rs.map((x) => x.base.cpuTotalUs))[0],
        addedNetWallUs: stats(rs.map((x) => x.mode.netWallUs - x.base.netWallUs)),
        addedWallUs: stats(rs.map((x) => x.mode.wallUs - x.base.wallUs)),
        stallP99Ms: stats(rs.map((x) => x.mode.stallP99Ms)),
        baseStallP99Ms: stats(rs.map((x) => x.base.stallP99Ms))[0],
        achievedRate: stats(rs.map((x) => x.mode.achievedRate))[0],
        heapGrowthMb: stats(rs.map((x) => x.mode.heapGrowthMb))[0],
        ratioToBare: added[0] / bareCpu,
      });
    }
  }
  printTable(figures, log);
  return figures;
}

function printTable(figures: ModeFigures[], log: (l: string) => void): void {
  const f = (t: [number, number, number], d = 0) => `${t[0].toFixed(d)} [${t[1].toFixed(d)}..${t[2].toFixed(d)}]`;
  log('');
  log('Added per ~2 KB-in/~2 KB-out chat call, vs the unwrapped client in the same process (paired blocks);');
  log('median [min..max] over rounds. Export goes to an OTLP sink in another process. Ratio = added CPU / bare span added CPU.');
  log('mode                call    added CPU µs incl. export   ratio   in-call CPU µs   added wall µs (loopback)   stall p99 ms (unwrapped)   calls/s   heap Δ MB   unwrapped CPU µs');
  for (const x of figures) {
    log(
      [
        x.mode.padEnd(18),
        (x.stream ? 'stream' : 'plain').padEnd(6),
        f(x.addedCpuUs).padEnd(26),
        `${x.ratioToBare.toFixed(2)}x`.padStart(6),
        f(x.addedCpuInCallUs).padEnd(16),
        `${f(x.addedWallUs)} (${x.addedNetWallUs[0].toFixed(0)})`.padEnd(25),
        `${f(x.stallP99Ms, 1)} (${x.baseStallP99Ms.toFixed(1)})`.padEnd(26),
        x.achievedRate.toFixed(0).padStart(7),
        x.heapGrowthMb.toFixed(1).padStart(10),
        x.baseCpuUs.toFixed(0).padStart(12),
      ].join('  '),
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const quick = process.argv.includes('--quick');
  const modesArg = process.argv.indexOf('--modes');
  void runSdkBench({
    rounds: arg('rounds') ?? (quick ? 1 : 3),
    calls: arg('calls') ?? (quick ? 200 : 400),
    ...(arg('blocks') !== undefined ? { blocks: arg('blocks') as number } : {}),
    stallMs: arg('stall-ms') ?? (quick ? 1000 : 2000),
    rate: arg('rate') ?? 5000,
    ...(arg('warmup') !== undefined ? { warmup: arg('warmup') as number } : {}),
    ...(modesArg >= 0 ? { modes: (process.argv[modesArg + 1] ?? '').split(',') as Mode[] } : {}),
    ...(process.argv.includes('--plain-only') ? { streams: [false] } : {}),
    ...(process.argv.includes('--stream-only') ? { streams: [true] } : {}),
  });
}
