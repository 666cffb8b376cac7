import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import { createAlertsContext, type AlertsContext } from './alerts-context.ts';
import { AlertsFileError, applyAlertsFile, loadAlertsFile, parseAlertsFile } from './policy-file.ts';
import { createAlertRoutes } from './routes.ts';
import { generateWebhookSecret } from './signer.ts';
import { FakeClock, openTestStore } from './test-support.ts';

let store: Awaited<ReturnType<typeof openTestStore>>;
let ctx: AlertsContext;
const secret = generateWebhookSecret();
const env = { ONCALL_SECRET: secret };

const policy = (rules: unknown[]) => ({
  projectId: 'proj_file',
  webhooks: [
    { name: 'oncall', url: 'http://127.0.0.1:9/hook', secretEnv: 'ONCALL_SECRET' },
    { name: 'slack', type: 'slack', url: 'http://127.0.0.1:9/slack' },
  ],
  rules,
});
const spendRule = { name: 'daily spend', metric: 'spend', window: 'day', threshold: 50, webhooks: ['oncall', 'slack'] };
const errorRule = { name: 'errors by model', metric: 'error_rate', window: '1h', threshold: 0.05, minCalls: 20, groupBy: 'model', webhooks: ['oncall'] };

beforeAll(async () => {
  store = await openTestStore();
  ctx = createAlertsContext({ driver: store.driver, clock: new FakeClock(new Date('2026-11-20T12:00:00Z')), allowPrivateTargets: true });
});
afterAll(async () => {
  await store.close();
});

describe('alerts file (policy as code)', () => {
  it('names every bad key with its path', () => {
    const text = JSON.stringify(policy([{ ...spendRule, threshold: -1 }, { ...errorRule, windw: '1h' }]));
    let message = '';
    try {
      parseAlertsFile(text, 'alerts.json');
    } catch (error) {
      expect(error).toBeInstanceOf(AlertsFileError);
      message = (error as Error).message;
    }
    expect(message).toContain('alerts.json is invalid');
    expect(message).toContain('rules[0].threshold');
    expect(message).toMatch(/windw/);
    expect(() => parseAlertsFile('{', 'alerts.json')).toThrow(/not valid JSON/);
  });

  it('applies idempotently, resolves secrets from the environment, and keeps file rules read-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-file-'));
    const path = join(dir, 'alerts.json');
    writeFileSync(path, JSON.stringify(policy([spendRule, errorRule])));
    const first = await applyAlertsFile(ctx, await loadAlertsFile(path), env);
    expect(first.webhooks.created).toEqual(['oncall', 'slack']);
    expect(first.rules.created).toEqual(['daily spend', 'errors by model']);
    const second = await applyAlertsFile(ctx, await loadAlertsFile(path), env);
    expect(second.rules).toEqual({ created: [], updated: [], unchanged: ['daily spend', 'errors by model'], removed: [] });
    expect(second.webhooks.unchanged).toEqual(['oncall', 'slack']);

    const hooks = await ctx.webhooks.list('proj_file');
    expect(hooks.find((h) => h.name === 'oncall')?.secret).toBe(secret);
    const rules = await ctx.rules.list('proj_file');
    expect(rules.find((r) => r.name === 'daily spend')).toMatchObject({ source: 'file', webhookIds: expect.arrayContaining(hooks.map((h) => h.id)) });

    const app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('projectId', 'proj_file');
      await next();
    });
    app.route('/api', createAlertRoutes(ctx));
    app.onError((err, c) => (err instanceof AppError ? c.json({ error: { code: err.code, message: err.message } }, err.status) : c.json({}, 500)));
    const id = rules[0]!.id;
    const del = await app.request(`/api/alerts/rules/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(409);
    expect(await del.text()).toContain('SIGHTLINE_ALERTS_FILE');
    expect((await app.request(`/api/alerts/rules/${id}/evaluate`, { method: 'POST' })).status).toBe(200);

    // Editing the file: a changed threshold updates in place; a rule dropped from the file goes away.
    writeFileSync(path, JSON.stringify(policy([{ ...spendRule, threshold: 75 }])));
    const third = await applyAlertsFile(ctx, await loadAlertsFile(path), env);
    expect(third.rules).toMatchObject({ updated: ['daily spend'], removed: ['errors by model'] });
    const after = await ctx.rules.list('proj_file');
    expect(after.map((r) => [r.name, r.threshold])).toEqual([['daily spend', 75]]);
    expect(after[0]!.id).toBe(rules.find((r) => r.name === 'daily spend')!.id);
  });

  it('refuses a standard webhook without a secret and a rule naming an unknown webhook', async () => {
    const noSecret = parseAlertsFile(JSON.stringify(policy([])), 'f.json');
    await expect(applyAlertsFile(ctx, noSecret, {})).rejects.toThrow(/oncall.*secretEnv.*ONCALL_SECRET is not set/);
    const unknown = parseAlertsFile(JSON.stringify(policy([{ ...spendRule, webhooks: ['pager'] }])), 'f.json');
    await expect(applyAlertsFile(ctx, unknown, env)).rejects.toThrow(/rules\[0\].*no webhook named "pager"/);
  });
});
