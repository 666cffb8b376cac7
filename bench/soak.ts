// Soak (issue 9): steady OTLP load against the real `sightline start` in a child process, with a
// storage outage in the middle and one `kill -9`, then an exact count of what reached ClickHouse.
// Run: pnpm soak [--minutes=30] [--rate=2000] [--outage-seconds=60] [--no-kill]   (pnpm soak --help)
// Requests that fail (server killed, 429/503) are retried with the same span ids, as an OTLP
// exporter would: in the end sent must equal stored, with no duplicates.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openDriver } from '../packages/storage/src/index.ts';
import { bodyTemplate, stampedBody } from './ingest-load.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '..', 'apps', 'server', 'bin', 'sightline.mjs');
const KEY = 'sl_soaktestbootstrapkey00000000000000';
const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);

const HELP = `usage: pnpm soak [--minutes=30] [--rate=2000] [--outage-seconds=60] [--no-kill]

Issue 4's soak: steady OTLP/HTTP protobuf load (~4.6 KB LLM spans, every span a unique id) against
\`sightline start\` in a child process, with a storage outage of --outage-seconds in the middle and
one kill -9 at 3/4 of the run, while requests are in flight (the load goes on while the server
restarts). Requests that fail are resent with the same span ids, as an
OTLP exporter would. At the end it counts what reached ClickHouse: PASS only if sent = stored and
nothing is stored twice (exit code 0; 1 otherwise).

  --minutes=N          run length (default 30: the issue's figure)
  --rate=N             spans per second (default 2000)
  --outage-seconds=N   storage paused for N s mid-run (default 60; 0 for none)
  --no-kill            skip the kill -9

The 30-minute run loads both cores for its whole length: on a shared machine, check first.
A short check of the same path: pnpm soak --minutes=3
`;
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const KNOWN = ['--minutes=', '--rate=', '--outage-seconds=', '--no-kill'];
const unknown = process.argv.slice(2).filter((a) => !KNOWN.some((k) => (k.endsWith('=') ? a.startsWith(k) : a === k)));
const minutes = arg('minutes', 30);
const rate = arg('rate', 2000);
const outageSeconds = arg('outage-seconds', 60);
const kill = !process.argv.includes('--no-kill');
const bad = [
  ...unknown.map((a) => `unknown flag ${a}`),
  ...(Number.isFinite(minutes) && minutes > 0 ? [] : ['--minutes must be a number > 0']),
  ...(Number.isFinite(rate) && rate > 0 ? [] : ['--rate must be a number > 0']),
  ...(Number.isFinite(outageSeconds) && outageSeconds >= 0 && outageSeconds < minutes * 60 ? [] : ['--outage-seconds must be ≥ 0 and shorter than the run']),
];
if (bad.length > 0) {
  process.stderr.write(`${bad.join('\n')}\n\n${HELP}`);
  process.exit(2);
}
const durationMs = minutes * 60_000;
const TICK_MS = 100;
const perRequest = Math.max(1, Math.round((rate * TICK_MS) / 1000));
const dataDir = mkdtempSync(join(tmpdir(), 'sightline-soak-'));
const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'start', '--port', String(port), '--data-dir', dataDir], {
    env: { ...process.env, SIGHTLINE_BOOTSTRAP_KEY: KEY, SIGHTLINE_FAULT_INJECTION: '1', SIGHTLINE_LOG_LEVEL: 'warn', SIGHTLINE_ALERTS: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('running at')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
  return child;
}

const rssMb = (pid: number | undefined): number => {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
};

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
let server = await startServer(port);
log(`soak: ${minutes} min at ${rate} spans/s (${perRequest}/request), outage ${outageSeconds} s mid-run, kill -9 ${kill ? 'at 3/4' : 'off'}; ${url}`);

const template = bodyTemplate(perRequest);
let sent = 0;
let acknowledged = 0;
let retries = 0;
let inFlight = 0;
const latencies: number[] = [];
const rss: string[] = [];

async function deliver(request: number): Promise<void> {
  const body = stampedBody(template, 7, request);
  for (let attempt = 0; ; attempt++) {
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${KEY}` } });
      await res.arrayBuffer();
      if (res.status === 200) {
        latencies.push(performance.now() - t0);
        acknowledged += perRequest;
        return;
      }
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '1') * 1000));
    } catch {
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt))); // server down: back off and resend
    }
    retries += 1;
  }
}

const start = Date.now();
const pending: Promise<void>[] = [];
let outageStarted = false;
let outageEnded = false;
let killed = false;
let restarting: Promise<void> | null = null;
let request = 0;
let nextRssAt = start;
while (Date.now() - start < durationMs) {
  const elapsed = Date.now() - start;
  if (!outageStarted && elapsed >= durationMs / 2 - (outageSeconds * 1000) / 2) {
    outageStarted = true;
    log('storage outage: begin');
    await fetch(`${url}/ops/fault/storage`, { method: 'POST', body: '{"paused":true}', headers: { 'content-type': 'application/json' } });
  }
  if (outageStarted && !outageEnded && elapsed >= durationMs / 2 + (outageSeconds * 1000) / 2) {
    outageEnded = true;
    log('storage outage: end');
    await fetch(`${url}/ops/fault/storage`, { method: 'POST', body: '{"paused":false}', headers: { 'content-type': 'application/json' } });
  }
  if (Date.now() >= nextRssAt) {
    rss.push(`${Math.round(elapsed / 1000)}s:${rssMb(server.pid)}MB`);
    nextRssAt += 10_000;
  }
  // Paced by the clock, not by the timer: a late tick sends what is due, so the rate holds under load.
  const due = Math.floor((Date.now() - start) / TICK_MS) + 1;
  while (request < due) {
    sent += perRequest;
    inFlight += 1;
    pending.push(deliver(request++).finally(() => (inFlight -= 1)));
  }
  // The kill lands while requests are in flight (15 ms after this tick's were sent: the server is
  // reading or storing them; a later tick if none is left), and the load goes on while the server
  // restarts: the requests it cut off and those refused meanwhile are resent, as an exporter would.
  if (kill && !killed && elapsed >= (durationMs * 3) / 4) await new Promise((r) => setTimeout(r, 15));
  if (kill && !killed && elapsed >= (durationMs * 3) / 4 && inFlight > 0) {
    killed = true;
    log(`kill -9 the server with ${inFlight} requests in flight; the load goes on while it restarts`);
    const dying = server;
    dying.kill('SIGKILL');
    restarting = new Promise((r) => dying.once('exit', r)).then(async () => {
      server = await startServer(port);
      log('server restarted');
    });
  }
  await new Promise((r) => setTimeout(r, TICK_MS));
}
log(`load done; waiting for ${inFlight} requests in flight and the spool to drain`);
await restarting;
await Promise.all(pending);
for (;;) {
  const text = await (await fetch(`${url}/metrics`)).text();
  if (/^sightline_spool_bytes 0$/m.test(text) && /^sightline_ingest_pending_rows 0$/m.test(text)) break;
  await new Promise((r) => setTimeout(r, 500));
}
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));

const driver = await openDriver({ mode: 'embedded', dataDir: join(dataDir, 'clickhouse') });
const [counts] = await driver.query<{ n: number; u: number }>("SELECT count() AS n, uniqExact(ProjectId, TraceId, SpanId) AS u FROM spans WHERE ProjectId = 'default'");
await driver.close();
const sorted = latencies.sort((a, b) => a - b);
const p = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
const stored = Number(counts?.u ?? 0);
const duplicates = Number(counts?.n ?? 0) - stored;
process.stdout.write(
  [
    `soak result (${minutes} min at ${rate} spans/s, outage ${outageSeconds} s, kill -9 ${killed ? 'once' : 'no'})`,
    `  sent ${sent}  acknowledged ${acknowledged}  stored ${stored}  duplicated ${duplicates}  retried requests ${retries}`,
    `  ${sent === stored && duplicates === 0 ? 'PASS: sent = stored, 0 duplicates' : 'FAIL: sent ≠ stored or duplicates found'}`,
    `  ingest latency p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  max ${p(1)} ms`,
    `  server RSS over time ${rss.join(' ')}`,
  ].join('\n') + '\n',
);
rmSync(dataDir, { recursive: true, force: true });
process.exitCode = sent === stored && duplicates === 0 ? 0 : 1;
