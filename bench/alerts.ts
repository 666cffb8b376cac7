// Alerts benchmark: rule evaluation and budget status from the rollups, signing, and webhook delivery.
// Run: pnpm tsx --conditions=@sightline/source bench/alerts.ts [--spans=N] [--messages=N] [--json]
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { AlertRuleInput } from '../packages/contracts/src/index.ts';
import { migrate, openDriver } from '../packages/storage/src/index.ts';
import { createAlertsContext } from '../apps/server/src/alerts/alerts-context.ts';
import { newId } from '../apps/server/src/alerts/db.ts';
import { generateWebhookSecret, signedHeaders } from '../apps/server/src/alerts/signer.ts';
import { BENCH_PROJECT, synthesiseSpans } from './storage-synth.ts';
import { cliArg } from './bench-env.ts';

export interface AlertsBenchFigures {
  cores: number;
  spans: number;
  evaluateMedianMs: Record<string, number>;
  budgetStatusUncachedMs: number;
  budgetStatusCachedMs: number;
  signMicrosPerMessage: number;
  deliveriesPerSec: number;
}

const RULES: Record<string, Record<string, unknown>> = {
  spend24h: { metric: 'spend', window: '24h', threshold: 1e9 },
  spendTodayByUser: { metric: 'spend', window: 'day', threshold: 5, groupBy: 'userId' },
  spend7dByUser: { metric: 'spend', window: '7d', threshold: 50, groupBy: 'userId' },
  errorRate1hByModel: { metric: 'error_rate', window: '1h', threshold: 0.05, minCalls: 20, groupBy: 'model' },
  rateLimits24hByModel: { metric: 'error_rate', window: '24h', threshold: 0.05, failureClass: 'rate_limit', groupBy: 'model' },
  p95Latency24h: { metric: 'p95_latency', window: '24h', threshold: 5000 },
  p95TtftByModel24h: { metric: 'p95_ttft', window: '24h', threshold: 800, groupBy: 'model' },
  forecastMonth: { metric: 'spend_forecast', window: 'month', threshold: 1000 },
};

export async function runAlertsBench(opts: { spans?: number; messages?: number; runs?: number; log?: (l: string) => void } = {}): Promise<AlertsBenchFigures> {
  const spans = opts.spans ?? 500_000;
  const messages = opts.messages ?? 500;
  const runs = opts.runs ?? 11;
  const log = opts.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-alerts-bench-'));
  const driver = await openDriver({ mode: 'embedded', dataDir, database: 'bench' });
  let now = Date.now();
  const clock = { now: () => new Date(now) };
  const received = { count: 0 };
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.count++;
      res.writeHead(204).end();
    });
  });
  try {
    await migrate(driver, { retentionDays: 30 });
    const started = performance.now();
    for (let done = 0; done < spans; done += 250_000) await synthesiseSpans(driver, done, Math.min(250_000, spans - done), 2, spans);
    log(`synthesised ${spans.toLocaleString('en')} spans over 2 days in ${Math.round(performance.now() - started)} ms`);

    const ctx = createAlertsContext({ driver, clock, allowPrivateTargets: true });
    const evaluateMedianMs: Record<string, number> = {};
    for (const [name, spec] of Object.entries(RULES)) {
      const rule = await ctx.rules.save(BENCH_PROJECT, AlertRuleInput.parse({ name, ...spec }), { source: 'api', now: clock.now() });
      await ctx.evaluator.evaluate(BENCH_PROJECT, rule, clock.now());
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await ctx.evaluator.evaluate(BENCH_PROJECT, rule, clock.now());
        times.push(performance.now() - t);
      }
      evaluateMedianMs[name] = round(median(times));
      log(`evaluate ${name}: median ${evaluateMedianMs[name]} ms`);
    }

    await ctx.budgets.save(BENCH_PROJECT, { name: 'month', scope: 'project', userId: null, limitUsd: 1e6, window: 'month', rollingHours: 24 });
    await ctx.budgets.save(BENCH_PROJECT, { name: 'per user', scope: 'user', userId: null, limitUsd: 5, window: 'rolling', rollingHours: 24 });
    const uncached: number[] = [];
    const cached: number[] = [];
    for (let i = 0; i < runs; i++) {
      now += 3_000; // past the 2 s cache
      let t = performance.now();
      await ctx.budgets.status(BENCH_PROJECT, `user-${i}`);
      uncached.push(performance.now() - t);
      t = performance.now();
      await ctx.budgets.status(BENCH_PROJECT, `user-${i}`);
      cached.push(performance.now() - t);
    }

    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'alert.firing', data: { pad: 'x'.repeat(900) } });
    const signRuns = 20_000;
    let t = performance.now();
    for (let i = 0; i < signRuns; i++) signedHeaders([secret], `msg_${i}`, 1_700_000_000, body);
    const signMicrosPerMessage = round(((performance.now() - t) * 1000) / signRuns);

    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const hook = await ctx.webhooks.save({ projectId: BENCH_PROJECT, name: 'bench', type: 'standard', url, secret, previousSecret: '', previousSecretExpiresAt: null, enabled: true, disabledReason: '', source: 'api' }, clock.now());
    await ctx.webhooks.enqueue(
      Array.from({ length: messages }, () => ({ projectId: BENCH_PROJECT, id: newId('msg'), webhookId: hook.id, eventType: 'alert.firing', body, nextAttemptAt: clock.now(), createdAt: clock.now() })),
    );
    t = performance.now();
    while (received.count < messages) {
      if ((await ctx.outbox.runDue()) === 0) break;
    }
    const deliveriesPerSec = Math.round(received.count / ((performance.now() - t) / 1000));

    return {
      cores: availableParallelism(),
      spans,
      evaluateMedianMs,
      budgetStatusUncachedMs: round(median(uncached)),
      budgetStatusCachedMs: Math.round(median(cached) * 1000) / 1000,
      signMicrosPerMessage,
      deliveriesPerSec,
    };
  } finally {
    receiver.close();
    await driver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}
function round(v: number): number {
  return Math.round(v * 10) / 10;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const f = await runAlertsBench({
    ...(cliArg('spans') ? { spans: Number(cliArg('spans')) } : {}),
    ...(cliArg('messages') ? { messages: Number(cliArg('messages')) } : {}),
    log: (l) => console.log(l),
  });
  if (process.argv.includes('--json')) console.log(JSON.stringify(f));
  else {
    console.log(`\nalerts bench on ${f.cores} cores, ${f.spans.toLocaleString('en')} spans`);
    const worst = Math.max(...Object.values(f.evaluateMedianMs));
    console.log(`slowest rule evaluation ${worst} ms: ×${Math.round(60_000 / worst)} headroom against a 60 s interval (rules per core per minute)`);
    console.log(`budget status: ${f.budgetStatusUncachedMs} ms from rollups, ${f.budgetStatusCachedMs} ms cached (×${Math.round(f.budgetStatusUncachedMs / Math.max(f.budgetStatusCachedMs, 0.001))})`);
    console.log(`signing: ${f.signMicrosPerMessage} µs per 1 KB message; delivery to a loopback receiver: ${f.deliveriesPerSec} messages/s (each with its outbox and log writes)`);
  }
}
