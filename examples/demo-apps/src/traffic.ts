import type { DemoClients } from './clients.ts';
import type { AppRun, DemoApp } from './apps/app.ts';
import { resumeAnalyser } from './apps/resume-analyser.ts';
import { supportAssistant } from './apps/support-assistant.ts';
import { tripAgent } from './apps/trip-agent.ts';
import type { TraceRegistry } from './trace-shift.ts';
import { createRng, historySchedule, type Rng } from './world.ts';

export const DEMO_APPS: readonly DemoApp[] = [resumeAnalyser, supportAssistant, tripAgent];

function pickApp(rng: Rng, apps: readonly DemoApp[]): DemoApp {
  const total = apps.reduce((s, a) => s + a.weight, 0);
  let r = rng.next() * total;
  for (const app of apps) {
    r -= app.weight;
    if (r < 0) return app;
  }
  return apps[apps.length - 1] as DemoApp;
}

export interface RunOutcome {
  app: string;
  ok: boolean;
  error?: unknown;
}

/** Runs one unit of an app; failures (rate limits that outlasted retries, invalid JSON) are outcomes, not crashes. */
async function runOnce(app: DemoApp, run: AppRun): Promise<RunOutcome> {
  try {
    await app.run(run);
    return { app: app.service, ok: true };
  } catch (error) {
    return { app: app.service, ok: false, error };
  }
}

export interface BackfillOptions {
  clients: DemoClients;
  registry: TraceRegistry;
  days: number;
  /** Traces per day on average (split across the apps by weight). */
  perDay: number;
  seed?: number;
  nowMs?: number;
  /** Real durations are stretched by this factor; pair it with a simulator `timeScale` of 1/dilation. */
  dilation?: number;
  concurrency?: number;
  apps?: readonly DemoApp[];
  onProgress?: (p: { done: number; total: number; failed: number; atMs: number }) => void;
  signal?: AbortSignal;
}

export interface BackfillResult {
  traces: number;
  failed: number;
  byApp: Record<string, number>;
  elapsedMs: number;
}

/**
 * Plays `days` of history through the real, instrumented apps: each trace runs now, fast, and is
 * exported as if it had happened at its scheduled time, with durations stretched by `dilation`.
 */
export async function backfill(opts: BackfillOptions): Promise<BackfillResult> {
  const started = performance.now();
  const nowMs = opts.nowMs ?? Date.now();
  const seed = opts.seed ?? 42;
  const apps = opts.apps ?? DEMO_APPS;
  const dilation = opts.dilation ?? 100;
  const schedule = historySchedule(createRng(seed), nowMs, opts.days, opts.perDay);
  const byApp: Record<string, number> = {};
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < schedule.length && opts.signal?.aborted !== true) {
      const i = next++;
      const atMs = schedule[i] as number;
      const rng = createRng(seed * 7919 + i);
      const app = pickApp(rng, apps);
      const outcome = await runOnce(app, {
        clients: opts.clients,
        rng,
        atMs,
        nowMs,
        register: (root) => opts.registry.shifted(root, app.service, atMs, dilation),
      });
      byApp[app.service] = (byApp[app.service] ?? 0) + 1;
      done++;
      if (!outcome.ok) failed++;
      opts.onProgress?.({ done, total: schedule.length, failed, atMs });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
  return { traces: done, failed, byApp, elapsedMs: performance.now() - started };
}

export interface LiveOptions {
  clients: DemoClients;
  registry: TraceRegistry;
  seed?: number;
  /** Mean pause between new runs; arrivals are random around it. */
  meanIntervalMs?: number;
  maxInFlight?: number;
  apps?: readonly DemoApp[];
  signal: AbortSignal;
  onRun?: (outcome: RunOutcome) => void;
}

/** Keeps generating live traffic until `signal` aborts; waits for runs in flight before returning. */
export async function runDemoTraffic(opts: LiveOptions): Promise<void> {
  const rng = createRng((opts.seed ?? 42) ^ 0x5eed);
  const apps = opts.apps ?? DEMO_APPS;
  const inFlight = new Set<Promise<void>>();
  const mean = opts.meanIntervalMs ?? 2500;
  while (!opts.signal.aborted) {
    if (inFlight.size < (opts.maxInFlight ?? 4)) {
      const runRng = createRng(rng.int(0, 2 ** 31));
      const app = pickApp(runRng, apps);
      const p = runOnce(app, { clients: opts.clients, rng: runRng, atMs: Date.now(), nowMs: Date.now(), register: (root) => opts.registry.live(root, app.service) })
        .then((outcome) => opts.onRun?.(outcome))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    // Exponential gaps: bursts and lulls, like real users.
    await sleep(-Math.log(1 - rng.next()) * mean, opts.signal);
  }
  await Promise.all(inFlight);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
