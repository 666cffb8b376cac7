import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startAlertReceiver, type AlertReceiver } from './alert-receiver.ts';
import { setUpSpendAlert } from './alert-setup.ts';
import { createClients } from './clients.ts';
import { HELP, parseDemoArgs, type DemoCliOptions } from './cli-options.ts';
import { waitForIngestCaughtUp } from './ingest-caught-up.ts';
import { BACKFILL_DILATION, resolveTargets } from './llm-target.ts';
import { startTelemetry } from './telemetry.ts';
import { backfill, runDemoTraffic } from './traffic.ts';

/**
 * The demo traffic generator's entry: `sightline demo` forks it (with an IPC channel for progress),
 * docker compose runs it as the `demo` service, and anyone can run it against their own server.
 */

const say = (line: string) => process.stderr.write(`${line}\n`);
/** Messages for a parent `sightline demo` process; a no-op when run standalone. */
const notify = (message: Record<string, unknown>) => process.send?.(message);

function progressPrinter(total: number, days: number): (p: { done: number; failed: number; atMs: number }) => void {
  const tty = process.stderr.isTTY === true;
  let lastPrinted = 0;
  let lastDecile = -1;
  return ({ done, failed, atMs }) => {
    const now = performance.now();
    const decile = Math.floor((done / total) * 10);
    if (tty ? now - lastPrinted < 250 && done !== total : decile === lastDecile && done !== total) return;
    lastPrinted = now;
    lastDecile = decile;
    const day = new Date(atMs).toISOString().slice(0, 16).replace('T', ' ');
    const line = `backfill: ${done}/${total} traces (${Math.round((done / total) * 100)}%) of ${days} days, at ${day} UTC${failed > 0 ? `, ${failed} failed` : ''}`;
    if (tty) process.stderr.write(`\r${line.padEnd(110)}${done === total ? '\n' : ''}`);
    else say(line);
    notify({ type: 'backfill-progress', done, total });
  };
}

async function main(opts: DemoCliOptions): Promise<void> {
  const targets = await resolveTargets(process.env, opts.seed);
  const telemetry = startTelemetry({ endpoint: opts.endpoint, apiKey: opts.apiKey });
  const clientOpts = { maxRetries: 2, timeoutMs: 60_000 };
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let receiver: AlertReceiver | undefined;
  try {
    say(`demo: sending traces to ${opts.endpoint}; LLM calls go to the ${targets.describe}`);
    if (opts.alert) {
      receiver = await startAlertReceiver({
        host: opts.webhookHost,
        port: opts.webhookPort,
        publicHost: opts.webhookPublicHost,
        onAlert: (a) => {
          const d = a.data;
          say(`\n🔔 webhook received (${a.type}, signature verified): ${d.rule?.name ?? 'alert'} is ${d.state ?? '?'}, spend $${(d.value ?? 0).toFixed(2)} > budget $${(d.threshold ?? 0).toFixed(2)}`);
          // Links are relative when the server has no SIGHTLINE_PUBLIC_URL: anchor them on the endpoint.
          const traces = d.links?.traces;
          if (traces !== undefined) say(`   traces behind it: ${traces.startsWith('/') ? opts.apiUrl + traces : traces}`);
          notify({ type: 'alert', state: d.state, value: d.value, threshold: d.threshold });
        },
      });
    }
    let backfillDays = opts.backfillDays;
    if (backfillDays > 0 && opts.backfillMarker !== undefined && existsSync(opts.backfillMarker)) {
      say(`Demo history is already in this store (${readFileSync(opts.backfillMarker, 'utf8').trim()}); skipping the backfill.`);
      backfillDays = 0;
    }
    if (backfillDays > 0) {
      if (!targets.backfill.simulated) say(`demo: the backfill sends about ${opts.backfillDays * opts.perDay} traces of real LLM calls to ${targets.backfill.openaiBaseURL}`);
      let printer: ReturnType<typeof progressPrinter> | undefined;
      const result = await backfill({
        clients: createClients(targets.backfill, clientOpts),
        registry: telemetry.registry,
        days: backfillDays,
        perDay: opts.perDay,
        seed: opts.seed,
        dilation: targets.compressed ? BACKFILL_DILATION : 1,
        concurrency: 8,
        signal: stop.signal,
        onProgress: (p) => {
          printer ??= progressPrinter(p.total, backfillDays);
          printer(p);
        },
      });
      await telemetry.flush();
      const apps = Object.entries(result.byApp).map(([k, v]) => `${k} ${v}`).join(', ');
      say(`backfill: done, ${result.traces} traces (${apps}) in ${(result.elapsedMs / 1000).toFixed(1)} s${result.failed > 0 ? `; ${result.failed} ended in an error (a rate limit or outage that outlasted the retries, JSON that never validated): the viewer shows why` : ''}`);
      if (opts.backfillMarker !== undefined && !stop.signal.aborted) {
        mkdirSync(dirname(opts.backfillMarker), { recursive: true });
        writeFileSync(opts.backfillMarker, JSON.stringify({ backfilledAt: new Date().toISOString(), days: backfillDays, traces: result.traces }));
      }
    }
    // The backfill is acknowledged; wait until it is queryable before anything reads it.
    if (backfillDays > 0) await waitForIngestCaughtUp(opts.apiUrl, 30_000);
    notify({ type: 'history-ready' });
    if (receiver !== undefined && !stop.signal.aborted) {
      const alert = await setUpSpendAlert({ endpoint: opts.apiUrl, apiKey: opts.apiKey, receiverUrl: receiver.url });
      receiver.setSecret(alert.secret);
      const when = alert.spendUsd > alert.thresholdUsd ? 'within ~10 s' : 'once the spend passes it';
      say(`alert: "Daily LLM spend over budget" set to $${alert.thresholdUsd.toFixed(2)} (last 24 h spent $${alert.spendUsd.toFixed(2)}); it fires into ${receiver.url} ${when}`);
      notify({ type: 'alert-configured', thresholdUsd: alert.thresholdUsd, spendUsd: alert.spendUsd });
    }
    if (opts.live && !stop.signal.aborted) {
      say(`live: generating traffic (about one request every ${(opts.intervalMs / 1000).toFixed(1)} s)${opts.durationS !== undefined ? ` for ${opts.durationS} s` : '; Ctrl-C stops'}`);
      if (opts.durationS !== undefined) setTimeout(() => stop.abort(), opts.durationS * 1000).unref();
      let ok = 0;
      let failed = 0;
      const ticker = setInterval(() => {
        say(`live: ${ok + failed} requests in the last 30 s (${failed} failed)`);
        ok = 0;
        failed = 0;
      }, 30_000);
      ticker.unref();
      await runDemoTraffic({
        clients: createClients(targets.live, clientOpts),
        registry: telemetry.registry,
        seed: opts.seed,
        meanIntervalMs: opts.intervalMs,
        signal: stop.signal,
        onRun: (o) => (o.ok ? ok++ : failed++),
      });
      clearInterval(ticker);
    }
  } finally {
    await telemetry.shutdown();
    await receiver?.close();
    await targets.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

let options: DemoCliOptions;
try {
  options = parseDemoArgs(process.argv.slice(2), process.env);
} catch (error) {
  say(`demo: ${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(HELP);
} else {
  main(options).then(
    () => process.exit(0),
    (error: unknown) => {
      say(`demo: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}
