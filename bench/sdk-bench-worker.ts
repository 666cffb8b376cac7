// One benchmark worker process: interleaves blocks of the unwrapped client and one instrumented
// mode in the same process. The unwrapped client's `create` is pinned to the pristine prototype
// method, so peers that patch prototypes globally cannot reach it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import OpenAI from 'openai';
import { setupMode, type Mode } from './sdk-bench-modes.ts';
import { cannedFetch } from './sdk-bench-servers.ts';

export interface WorkerConfig {
  mode: Mode;
  stream: boolean;
  llmUrl: string;
  sinkUrl: string;
  calls: number;
  blocks: number;
  warmup: number;
  rate: number;
  stallMs: number;
}

export interface PhaseResult {
  cpuInCallUs: number;
  cpuTotalUs: number;
  wallUs: number;
  netWallUs: number;
  stallP99Ms: number;
  stallMaxMs: number;
  achievedRate: number;
  heapGrowthMb: number;
}

type Call = () => Promise<unknown>;
type Gc = (options?: { type: 'major' | 'minor'; execution: 'sync' | 'async' }) => void;
const gc: Gc = (globalThis as { gc?: Gc }).gc ?? (() => undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pristineCreate = OpenAI.Chat.Completions.prototype.create;

function pinned(client: OpenAI): OpenAI {
  client.chat.completions.create = pristineCreate.bind(client.chat.completions) as typeof client.chat.completions.create;
  return client;
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * `inCall`: CPU between starting the call and the app resuming with its result (the critical
 * path). Work deferred to later turns (span sealing, export) runs between calls, outside that
 * window, and lands in `total`, which also includes the final flush and a young-generation
 * collection: without it a block's garbage is collected during the next block, so each mode's
 * collection cost was charged to the unwrapped client measured after it (the bare span's
 * added CPU came out negative in some rounds).
 */
async function block(call: Call, n: number, flush: () => Promise<void>) {
  let inCall = 0;
  let wall = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await call();
    const d = process.cpuUsage(c);
    wall += performance.now() - t;
    inCall += d.user + d.system;
    await nextTurn();
  }
  await flush();
  gc({ type: 'minor', execution: 'sync' });
  const c2 = process.cpuUsage(cpu0);
  return { inCall: inCall / n, total: (c2.user + c2.system) / n, wall: (wall * 1000) / n };
}

/** Open-loop load at `rate` calls/s on an in-process canned client; event-loop delay gives stalls. */
async function paced(call: Call, cfg: WorkerConfig) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let issued = 0;
  let done = 0;
  let inflight = 0;
  const start = performance.now();
  while (performance.now() - start < cfg.stallMs) {
    const due = Math.floor(((performance.now() - start) / 1000) * cfg.rate);
    while (issued < due && inflight < 256) {
      issued++;
      inflight++;
      call().then(
        () => (inflight--, done++),
        () => inflight--,
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const elapsed = performance.now() - start;
  while (inflight > 0) await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return { stallP99Ms: h.percentile(99) / 1e6, stallMaxMs: h.max / 1e6, achievedRate: (done / elapsed) * 1000 };
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.SDK_BENCH ?? '{}') as WorkerConfig;
  const net = () => new OpenAI({ apiKey: 'sk-bench', baseURL: `${cfg.llmUrl}/v1`, maxRetries: 0 });
  const canned = () => new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://llm.invalid/v1', maxRetries: 0, fetch: cannedFetch });
  // CPU blocks use the canned in-process answer too: socket work on a loaded 2-core box varies by
  // hundreds of µs per call and would bury the tens of µs being measured. `netWallUs` keeps one
  // loopback figure for latency.
  const baseCall: Call = (await setupMode('unwrapped', cfg)).make(pinned(canned()));
  const baseNetCall: Call = (await setupMode('unwrapped', cfg)).make(pinned(net()));
  const setup = await setupMode(cfg.mode, cfg);
  const modeCall = setup.make(canned());
  const modeNetCall = setup.make(net());
  const baseStallCall = baseCall;
  const modeStallCall = modeCall;
  const noFlush = async () => undefined;
  // Long warm-up: the JIT keeps optimising for a few thousand calls, longer for the bigger code
  // paths of instrumented clients; short warm-ups overstate their cost.
  for (let i = 0; i < cfg.warmup; i++) {
    await baseCall();
    await modeCall();
  }
  await setup.flush();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const base: Array<Awaited<ReturnType<typeof block>>> = [];
  const mode: Array<Awaited<ReturnType<typeof block>>> = [];
  // Each pair runs in alternating order: with the unwrapped block always first, whatever one block
  // leaves to the next (a collection it triggered, a timer's work) and any drift over the run were
  // always charged to the same side of the difference.
  for (let b = 0; b < cfg.blocks; b++) {
    if (b % 2 === 1) mode.push(await block(modeCall, cfg.calls, () => setup.flush()));
    base.push(await block(baseCall, cfg.calls, noFlush));
    if (b % 2 === 0) mode.push(await block(modeCall, cfg.calls, () => setup.flush()));
  }
  const netBase: number[] = [];
  const netMode: number[] = [];
  for (let b = 0; b < 3; b++) {
    netBase.push((await block(baseNetCall, 100, noFlush)).wall);
    netMode.push((await block(modeNetCall, 100, () => setup.flush())).wall);
  }
  const baseStall = await paced(baseStallCall, cfg);
  const modeStall = await paced(modeStallCall, cfg);
  await setup.flush();
  gc();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
  // Paired differences of adjacent blocks cancel the drift of a shared machine.
  const diff = (k: 'inCall' | 'total') => median(mode.map((m, i) => m[k] - (base[i]?.[k] ?? NaN)));
  const sum = (xs: typeof base, stall: typeof baseStall, heap: number): PhaseResult => ({
    cpuInCallUs: median(xs.map((x) => x.inCall)),
    cpuTotalUs: median(xs.map((x) => x.total)),
    wallUs: median(xs.map((x) => x.wall)),
    netWallUs: median(xs === base ? netBase : netMode),
    ...stall,
    heapGrowthMb: heap,
  });
  const result = { base: sum(base, baseStall, 0), mode: sum(mode, modeStall, heapGrowthMb), addedInCallUs: diff('inCall'), addedTotalUs: diff('total') };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

void main();
