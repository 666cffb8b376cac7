import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PROJECT_ID, KeyStore } from '../auth/key-store.ts';
import { loadConfig, startServer } from '../main.ts';
import { jsonLogger } from '../ops/log.ts';
import { EXIT_USAGE, type CliCommand, type CliIo } from './command.ts';

/**
 * `sightline demo`: the first five minutes. Starts the server in-process, then forks the demo apps
 * (examples/demo-apps: real code instrumented with @sightline/sdk, against the bundled LLM simulator)
 * to backfill a week of history, set up a spend alert that fires into a local webhook receiver, and
 * keep live traffic flowing. The server never imports the SDK: the apps run in their own process.
 */

const DEMO_APPS_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../examples/demo-apps/src/main.ts');
// Re-running on the same data directory keeps its history instead of doubling it.
const MARKER = 'demo-backfill.json';

function positiveInt(name: string, raw: string | boolean | undefined, fallback: number): number {
  if (typeof raw !== 'string') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0, got '${raw}'`);
  return n;
}

/** Opens the viewer only where a browser can exist; a headless box just gets the URL. */
function openBrowser(url: string, io: CliIo): void {
  const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY ?? process.env.WAYLAND_DISPLAY);
  if (!display) {
    io.err(`(no display found: open ${url} in your browser)`);
    return;
  }
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', (err) => io.err(`(could not open a browser: ${err.message}; open ${url} yourself)`));
  child.unref();
}

function forwardLines(stream: NodeJS.ReadableStream | null, io: CliIo): void {
  if (stream === null) return;
  createInterface({ input: stream }).on('line', (line) => io.err(line));
}

export const demoCommand: CliCommand = {
  path: ['demo'],
  summary: 'Start Sightline with a week of traffic from instrumented demo apps, a firing spend alert and live traffic',
  usage: [
    'sightline demo [--port N] [--host H] [--data-dir D] [--days N] [--per-day N] [--duration S] [--no-live] [--open] [--seed N]',
    '',
    'Runs three instrumented sample services (a resume analyser, a RAG support assistant, a travel agent)',
    'against the bundled LLM simulator, offline; set OPENAI_BASE_URL / OPENAI_API_KEY (and ANTHROPIC_*) to',
    'send the same code to a real endpoint such as vLLM.',
    '',
    '  --port N, --host H  where the server listens (default 4318 on 127.0.0.1)',
    '  --data-dir D        keep the demo store in D (default: a new temporary directory); a second run on',
    '                      the same D keeps its history instead of writing another week',
    '  --days N            days of history to backfill (default 7; 0 = none)',
    '  --per-day N         traces per day in the backfill (default 250)',
    '  --duration S        stop after S seconds of live traffic (default: until Ctrl-C)',
    '  --no-live           stop after the backfill and the alert set-up',
    '  --open              open the viewer in a browser when one can be opened',
    '  --seed N            seed of the story (default 42)',
  ].join('\n'),
  options: {
    port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, days: { type: 'string' }, 'per-day': { type: 'string' },
    duration: { type: 'string' }, 'no-live': { type: 'boolean' }, open: { type: 'boolean' }, seed: { type: 'string' },
  },
  async run({ values }, io) {
    let days: number;
    let perDay: number;
    try {
      days = positiveInt('days', values.days, 7);
      perDay = Math.max(1, positiveInt('per-day', values['per-day'], 250));
      positiveInt('duration', values.duration, 0);
      positiveInt('seed', values.seed, 42);
    } catch (err) {
      io.err(`sightline demo: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
    if (!existsSync(DEMO_APPS_MAIN)) {
      io.err(`sightline demo: the demo apps are not here (${DEMO_APPS_MAIN}); the demo runs from a source checkout of Sightline`);
      return 1;
    }
    // Without --data-dir the store is the demo's own, in a fresh temporary directory: removed at exit.
    const ownDataDir = typeof values['data-dir'] !== 'string';
    const dataDir = ownDataDir ? mkdtempSync(join(tmpdir(), 'sightline-demo-')) : resolve(String(values['data-dir']));
    mkdirSync(dataDir, { recursive: true });
    try {
      return await runDemo(dataDir, values, days, perDay, io);
    } finally {
      if (ownDataDir) {
        try {
          rmSync(dataDir, { recursive: true, force: true });
          io.err(`Removed the demo's data (${dataDir}); run with --data-dir D to keep it.`);
        } catch (err) {
          io.err(`sightline demo: could not remove ${dataDir}: ${(err as Error).message}`);
        }
      }
    }
  },
};

type DemoValues = Record<string, string | boolean | undefined>;

/** The demo on `dataDir`: server, demo apps, and their shutdown. */
async function runDemo(dataDir: string, values: DemoValues, days: number, perDay: number, io: CliIo): Promise<number> {
  const loaded = loadConfig({
    dataDir,
    // The alert's webhook receiver runs on loopback, which the SSRF guard refuses unless allowed.
    webhookAllowPrivate: 'true',
    ...(typeof values.port === 'string' ? { port: values.port } : {}),
    ...(typeof values.host === 'string' ? { host: values.host } : {}),
  });
  if (!loaded.ok) {
    io.err(`sightline demo: invalid configuration\n${loaded.message}`);
    return EXIT_USAGE;
  }
  io.err(`Starting Sightline (data in ${dataDir}; opening storage, applying migrations)…`);
  // The demo's own narrative is the output; the server only speaks up for warnings.
  const server = await startServer(loaded.config, jsonLogger((l) => process.stderr.write(l), 'warn'));
  const localUrl = server.url.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://127.0.0.1:');
  io.err(`Sightline is running at ${localUrl} (storage: ${server.storeDescription})`);
  const { key } = await new KeyStore(server.driver, loaded.config.server.keyPepper).createKey(DEFAULT_PROJECT_ID, `demo apps ${new Date().toISOString()}`);

  const args = ['--endpoint', localUrl, '--alert', '--seed', String(values.seed ?? 42), '--backfill-days', String(days), '--per-day', String(perDay), '--backfill-marker', join(dataDir, MARKER)];
  if (values['no-live'] !== true) args.push('--live');
  if (typeof values.duration === 'string') args.push('--duration', values.duration);
  const showViewer = () => {
    io.err(`\n  ▶ Viewer: ${localUrl}/   (traces, costs by model and prompt version, sessions, alerts)\n`);
    // Beyond loopback the viewer asks for a key: give the demo's one, once, as `start` does.
    if (!server.allowLocalSession) io.err(`    Sign in with the demo project's API key (shown once): ${key}\n`);
    if (values.open === true) openBrowser(`${localUrl}/`, io);
  };
  // The key travels in the environment, not argv, so it never shows in `ps`; the rest of the
  // environment (OPENAI_BASE_URL, DEMO_MODEL...) is the user's choice of LLM endpoint.
  const child: ChildProcess = fork(DEMO_APPS_MAIN, args, {
    cwd: dirname(dirname(DEMO_APPS_MAIN)),
    execArgv: ['--conditions=@sightline/source', '--import', 'tsx'],
    env: { ...process.env, SIGHTLINE_API_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  forwardLines(child.stdout, io);
  forwardLines(child.stderr, io);
  child.on('message', (m: { type?: string }) => {
    if (m.type === 'history-ready') showViewer();
  });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await new Promise<number>((done) => child.on('exit', (c, signal) => done(c ?? (signal === 'SIGTERM' ? 0 : 1))));
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  io.err('Stopping Sightline…');
  await server.close();
  if (code !== 0) io.err(`sightline demo: the demo apps exited with code ${code}`);
  return code;
}
