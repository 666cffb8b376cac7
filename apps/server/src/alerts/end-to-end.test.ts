import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { BudgetExceededError, flush, init, shutdown, withContext, wrapOpenAI } from '@sightline/sdk';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '../main.ts';
import { jsonLogger } from '../ops/log.ts';
import { generateWebhookSecret } from './signer.ts';
import { startReceiver } from './test-support.ts';

/**
 * The whole path on real parts: the SDK wraps the real openai client against the simulator and
 * exports to the real server; the alerts file declares a per-user spend rule; ingest feeds the
 * rollups; the rule fires into a loopback receiver that verifies the signature; the SDK's budget
 * guard stops the user over budget and lets the others through.
 */

const dir = mkdtempSync(join(tmpdir(), 'sightline-alerts-e2e-'));
const secret = generateWebhookSecret();
let server: RunningServer;
let sim: RunningSimulator;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let key: string;

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  rx = await startReceiver();
  sim = await startSimulator();
  const alertsFile = join(dir, 'alerts.json');
  writeFileSync(
    alertsFile,
    JSON.stringify({
      webhooks: [{ name: 'oncall', url: rx.url, secretEnv: 'E2E_WEBHOOK_SECRET' }],
      rules: [{ name: 'any user spending', metric: 'spend', window: '24h', threshold: 0, groupBy: 'userId', webhooks: ['oncall'] }],
    }),
  );
  // Only the composition root reads the environment; the test sets it the way an operator would.
  Object.assign(process.env, {
    E2E_WEBHOOK_SECRET: secret,
    SIGHTLINE_ALERTS_FILE: alertsFile,
    SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: 'true',
    SIGHTLINE_BOOTSTRAP_KEY: 'sl_e2e_alerts_bootstrap_key_0123456789',
  });
  const loaded = loadConfig({ port: '0', host: '127.0.0.1', dataDir: join(dir, 'data') });
  if (!loaded.ok) throw new Error(loaded.message);
  server = await startServer(loaded.config, jsonLogger(() => undefined, 'error'));
  key = 'sl_e2e_alerts_bootstrap_key_0123456789';
  init({ endpoint: server.url, apiKey: key, registerGlobal: false, scheduledDelayMillis: 20, budget: { mode: 'throw', cacheMs: 0, failOpen: false } });
});
afterAll(async () => {
  await shutdown();
  await server?.close();
  await sim?.close();
  await rx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('alerts end to end', () => {
  it('fires a file-declared group-by rule from SDK traffic and blocks the user over budget', async () => {
    const openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-sim', baseURL: sim.openaiBaseURL, maxRetries: 0 }));
    const chat = (userId: string) =>
      withContext({ userId }, () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'the private prompt' }] }));

    const budget = await api('POST', '/api/budgets', { scope: 'user', userId: 'heavy', limitUsd: 0.000001, window: 'day' });
    expect(budget.status).toBe(201);
    for (let i = 0; i < 3; i++) await chat('heavy');
    await flush();

    // Ingest is asynchronous (spool, writer, materialized views): wait until the rollups show it.
    let spent = 0;
    for (const deadline = Date.now() + 30_000; spent === 0 && Date.now() < deadline; ) {
      const s = await api('GET', '/api/budgets/status?userId=heavy');
      spent = (s.json.budgets as { spentUsd: number }[])[0]?.spentUsd ?? 0;
      if (spent === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(spent).toBeGreaterThan(0.000001);
    await new Promise((r) => setTimeout(r, 2_100)); // the server caches status for 2 s

    await expect(chat('heavy')).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(chat('light')).resolves.toMatchObject({ choices: [expect.anything()] });

    const rules = await api('GET', '/api/alerts/rules');
    const rule = (rules.json.items as { id: string; source: string }[])[0]!;
    expect(rule.source).toBe('file');
    const evaluation = await api('POST', `/api/alerts/rules/${rule.id}/evaluate`);
    expect(evaluation.json.groups).toEqual(expect.arrayContaining([expect.objectContaining({ groupKey: 'heavy', state: 'firing' })]));

    for (const deadline = Date.now() + 20_000; rx.requests.length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
    const delivered = rx.requests.map((r) => new Verifier(secret).verify(r.body, { ...r.headers } as Record<string, string>) as { data: { group: { value: string } } });
    expect(delivered.map((d) => d.data.group.value)).toContain('heavy');
    expect(rx.requests.map((r) => r.body).join('')).not.toContain('the private prompt');
  });
});
