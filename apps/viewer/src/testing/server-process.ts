import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real Sightline server as a child process, exactly as users start it (`sightline start`), on a
 * fresh data directory, serving a viewer build made for this run.
 */

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const VIEWER_ROOT = join(REPO_ROOT, 'apps/viewer');

export interface RunningServer {
  url: string;
  key: string;
  dataDir: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out}`))));
  });
}

/** Builds the viewer into a temporary directory (never touching apps/viewer/dist, which others may serve). */
export async function buildViewer(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'sightline-viewer-dist-'));
  const vite = join(VIEWER_ROOT, 'node_modules/vite/bin/vite.js');
  await run(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], VIEWER_ROOT);
  return outDir;
}

export async function startServer(options: { viewerDir: string; host: string; key: string; env?: Record<string, string> }): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-viewer-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    SIGHTLINE_BOOTSTRAP_KEY: options.key,
    SIGHTLINE_VIEWER_DIR: options.viewerDir,
    SIGHTLINE_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const bin = join(REPO_ROOT, 'apps/server/bin/sightline.mjs');
  const child: ChildProcess = spawn(process.execPath, [bin, 'start', '--port', String(port), '--host', options.host, '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sightline start exited ${child.exitCode}\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`sightline start not ready after 90 s\n${out}`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, key: options.key, dataDir, output: () => out, stop };
}

/** Polls `fn` until it returns a value other than undefined. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Receiver {
  url: string;
  requests: { headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback that records every request and answers 204. */
export async function startReceiver(): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const srv = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((ok) => srv.close(() => ok())) };
}

/**
 * Runs the seed in a child process (the SDK in an app process of its own, resolved by Node exactly
 * as users' apps resolve it) and returns its summary.
 */
export async function seedServer<T>(serverUrl: string, apiKey: string): Promise<T> {
  const script = join(REPO_ROOT, 'apps/viewer/src/testing/seed-cli.ts');
  const out = await run(process.execPath, ['--conditions=@sightline/source', '--import', 'tsx', script, serverUrl, apiKey], REPO_ROOT);
  const last = out.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as T;
  } catch (cause) {
    throw new Error(`seed-cli printed no summary\n${out}`, { cause });
  }
}
