import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOtlpSink, type SinkSpan } from '@sightline/example-smoke-harness';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Sightline supports Node 20.19+ (the SDK's floor: require() of ES modules), 22 and 24; the house
// itself runs on one Node. Each supported line runs (1) the SDK's own test suite, (2) the built SDK
// loaded the way apps load it, by `import` and by `require()`, exporting to an OTLP sink, and (3)
// `sightline start` (the README's server) taking such an app's trace and serving it back.
// The binaries are optional dependencies (linux-x64 only): elsewhere these tests skip, and under
// CI=true a missing binary fails instead.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('../', import.meta.url));
const VERSIONS = [
  { alias: 'node20', version: 'v20.19.0' },
  { alias: 'node22', version: 'v22.23.3' },
  { alias: 'node24', version: 'v24.21.0' },
];
const builtSdk = `${root}packages/sdk/dist/index.js`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node args` with the given binary; vitest's own variables are left out so a nested run is a fresh one. */
function run(bin: string, args: string[], env: Record<string, string> = {}, timeoutMs = 300_000): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TINYPOOL|NODE_OPTIONS$)/.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: root, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const tail = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 20 });
});
afterAll(async () => {
  await sim.close();
});

describe.each(VERSIONS)('Sightline on Node $version', ({ alias, version }) => {
  const bin = `${here}node_modules/${alias}/bin/node`;
  const present = existsSync(bin);
  const ci = process.env.CI === 'true';

  it.runIf(present || ci)('has its binary', async () => {
    expect(present, `${bin} is missing: pnpm install brings it on linux-x64`).toBe(true);
    expect((await run(bin, ['--version'])).stdout.trim()).toBe(version);
  });

  it.runIf(present)('passes the SDK test suite', { timeout: 300_000 }, async () => {
    const r = await run(bin, [`${root}node_modules/vitest/vitest.mjs`, 'run', 'packages/sdk/', '--reporter=dot', '--no-color']);
    expect(r.code, tail(r)).toBe(0);
    const passed = Number(/Tests\s+(\d+) passed/.exec(r.stdout)?.[1] ?? 0);
    expect(passed, tail(r)).toBeGreaterThan(100);
  });

  it.runIf(present)('loads the built package by import and require(), and exports one trace per app', { timeout: 120_000 }, async () => {
    expect(existsSync(builtSdk), `${builtSdk} is missing: \`pnpm build\` first (\`pnpm test\` does)`).toBe(true);
    for (const file of ['consumer.mjs', 'consumer.cjs']) {
      const sink = await startOtlpSink();
      try {
        const r = await run(bin, [`${here}src/test/${file}`], {
          SIGHTLINE_ENDPOINT: sink.url,
          SIGHTLINE_API_KEY: 'sl_node_versions_test_key',
          OPENAI_BASE_URL: sim.openaiBaseURL,
          ANTHROPIC_BASE_URL: sim.anthropicBaseURL,
        }, 60_000);
        expect(r.code, tail(r)).toBe(0);
        expect(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')).toEqual({ node: version, module: file.endsWith('.cjs') ? 'cjs' : 'esm' });
        // Whatever the SDK reports (a bad option, a failed export, dropped spans) is a failure here.
        expect(r.stderr, tail(r)).not.toContain('[diag]');
        expectOneTurn(sink.spans);
        expect(new Set(sink.authorizations)).toEqual(new Set(['Bearer sl_node_versions_test_key']));
      } finally {
        await sink.close();
      }
    }
  });

  it.runIf(present)('runs the server: an app traced into it, the trace served back', { timeout: 120_000 }, async () => {
    const key = 'sl_node_versions_server_key_0001';
    const server = await startServer(bin, key);
    try {
      const r = await run(bin, [`${here}src/test/consumer.mjs`], {
        SIGHTLINE_ENDPOINT: server.url,
        SIGHTLINE_API_KEY: key,
        OPENAI_BASE_URL: sim.openaiBaseURL,
        ANTHROPIC_BASE_URL: sim.anthropicBaseURL,
      }, 60_000);
      expect(r.code, tail(r)).toBe(0);
      expect(r.stderr, tail(r)).not.toContain('[diag]');
      // 200 means durable; the writer makes it queryable moments later.
      let item: TraceItem | undefined;
      for (let i = 0; i < 100 && item === undefined; i++) {
        const res = await fetch(`${server.url}/api/traces`, { headers: { authorization: `Bearer ${key}` } });
        expect(res.status, server.output()).toBe(200);
        item = ((await res.json()) as { items: TraceItem[] }).items.find((t) => t.hasRoot);
        if (item === undefined) await new Promise((ok) => setTimeout(ok, 200));
      }
      expect(item, server.output()).toMatchObject({
        rootName: 'invoke_agent travel',
        serviceName: 'node-versions-esm',
        spanCount: 5,
        llmCallCount: 3,
        userId: 'user-node-versions',
        status: 'ok',
      });
      expect(item?.costUsd).toBeGreaterThan(0);
    } finally {
      expect(await server.stop(), server.output()).toBe(0);
    }
  });
});

interface TraceItem {
  rootName: string;
  hasRoot: boolean;
  serviceName: string;
  spanCount: number;
  llmCallCount: number;
  userId: string;
  status: string;
  costUsd: number;
}

/** `sightline start` as the README runs it, under `bin`, on a fresh data directory and a port of its choosing; stop() gives its exit code. */
async function startServer(bin: string, key: string): Promise<{ url: string; output(): string; stop(): Promise<number | null> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-node-versions-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TINYPOOL|NODE_OPTIONS$)/.test(k)));
  const child: ChildProcess = spawn(bin, [`${root}apps/server/bin/sightline.mjs`, 'start', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...clean, SIGHTLINE_BOOTSTRAP_KEY: key, SIGHTLINE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    return child.exitCode;
  };
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    // The banner names the port the server got.
    const url = /Sightline is running at (http:\/\/[^\s]+)/.exec(out)?.[1];
    if (url !== undefined && (await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) return { url, output: () => out, stop };
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await stop();
  throw new Error(`sightline start did not become ready on ${bin}:\n${out}`);
}

/** The agent turn of conversation.mjs: agent → tool, plain chat, streamed chat, Anthropic message, one trace. */
function expectOneTurn(spans: SinkSpan[]): void {
  const byName = (name: string) => spans.filter((s) => s.name === name);
  const agent = byName('invoke_agent travel');
  expect(agent).toHaveLength(1);
  expect(byName('execute_tool lookup')).toHaveLength(1);
  const chats = byName('chat gpt-4o-mini');
  expect(chats).toHaveLength(2);
  const claude = spans.filter((s) => s.name.startsWith('chat claude-haiku-4-5'));
  expect(claude).toHaveLength(1);
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  for (const s of [...chats, ...claude]) {
    expect(s.parentSpanId).toBe(agent[0]?.spanId);
    expect(s.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(s.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(s.attributes['sightline.user.id']).toBe('user-node-versions');
    expect(JSON.parse(String(s.attributes['gen_ai.output.messages']))[0]?.parts?.[0]?.content).toBeTruthy();
  }
  const streamed = chats.find((s) => s.attributes['gen_ai.request.stream'] === true);
  expect(streamed?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
  expect(claude[0]?.attributes['gen_ai.provider.name']).toBe('anthropic');
}
