import { Hono } from 'hono';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import { createAlertsContext, type AlertsContext } from './alerts-context.ts';
import { createAlertRoutes } from './routes.ts';
import { FakeClock, llmSpan, openTestStore, seed, startReceiver } from './test-support.ts';

const T0 = new Date(Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000);
let store: Awaited<ReturnType<typeof openTestStore>>;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let clock: FakeClock;
let ctx: AlertsContext;
let app: Hono<AppEnv>;

/** The auth middleware's contract, reduced to a header; errors mapped as app.ts maps AppError. */
function testApp(c: AlertsContext): Hono<AppEnv> {
  const a = new Hono<AppEnv>();
  a.use('*', async (hc, next) => {
    hc.set('projectId', hc.req.header('x-project') ?? 'proj_api');
    hc.set('keyId', null);
    await next();
  });
  a.route('/api', createAlertRoutes(c));
  a.onError((err, hc) => {
    if (err instanceof AppError) return hc.json({ error: { code: err.code, message: err.message } }, err.status);
    throw err;
  });
  return a;
}

const call = async (method: string, path: string, body?: unknown, project?: string) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (project) headers['x-project'] = project;
  const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are probed field by field, each probe an assertion
  return { status: res.status, json: (text ? JSON.parse(text) : null) as Record<string, any> };
};

beforeAll(async () => {
  store = await openTestStore();
  rx = await startReceiver();
  clock = new FakeClock(new Date(T0.getTime() + 30 * 60_000));
  ctx = createAlertsContext({ driver: store.driver, clock, allowPrivateTargets: true, viewerBaseUrl: 'http://viewer.test' });
  app = testApp(ctx);
});
afterAll(async () => {
  await rx.close();
  await store.close();
});

describe('alerts API', () => {
  it('refuses private webhook targets unless the server allows them', async () => {
    const strict = testApp(createAlertsContext({ driver: store.driver, clock }));
    const res = await strict.request('/api/webhooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', url: 'http://[::ffff:127.0.0.1]:9/' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/refused/);
  });

  it('validates rule bodies and names the bad keys', async () => {
    let r = await call('POST', '/api/alerts/rules', { name: 'bad', metric: 'error_rate', threshold: 5, windw: '1h' });
    expect(r.status).toBe(400);
    expect(r.json.error.issues.map((i: { path: string }) => i.path)).toContain('');
    expect(r.json.error.message).toMatch(/windw/);
    r = await call('POST', '/api/alerts/rules', { name: 'bad', metric: 'error_rate', threshold: 5 });
    expect(r.json.error.issues).toEqual([expect.objectContaining({ path: 'threshold' })]);
    r = await call('POST', '/api/alerts/rules', { name: 'bad', metric: 'spend', threshold: 1, webhookIds: ['wh_nope'] });
    expect(r).toMatchObject({ status: 400, json: { error: { message: expect.stringMatching(/wh_nope/) } } });
  });

  it('creates a webhook and a grouped rule, evaluates it, delivers, lists deliveries and redelivers', async () => {
    const hook = await call('POST', '/api/webhooks', { name: 'ops', url: rx.url });
    expect(hook.status).toBe(201);
    expect(hook.json.secret).toMatch(/^whsec_/);
    const list = await call('GET', '/api/webhooks');
    expect(JSON.stringify(list.json)).not.toContain(hook.json.secret);

    const rule = await call('POST', '/api/alerts/rules', { name: 'user spend', metric: 'spend', window: '24h', threshold: 0.5, groupBy: 'userId', webhookIds: [hook.json.id] });
    expect(rule.status).toBe(201);
    expect(rule.json).toMatchObject({ source: 'api', intervalSeconds: 60, comparator: 'gt' });
    expect((await call('POST', '/api/alerts/rules', { name: 'user spend', metric: 'spend', threshold: 1 })).status).toBe(409);

    await seed(store.driver, [llmSpan(T0, 0.75, { ProjectId: 'proj_api', UserId: 'dave' }), llmSpan(T0, 0.1, { ProjectId: 'proj_api', UserId: 'erin' })]);
    const ev = await call('POST', `/api/alerts/rules/${rule.json.id}/evaluate`);
    expect(ev.status).toBe(200);
    expect(ev.json.groups.filter((g: { transition: string }) => g.transition === 'firing').map((g: { groupKey: string }) => g.groupKey)).toEqual(['dave']);
    expect((await call('GET', '/api/alerts/events')).json.items).toEqual([expect.objectContaining({ kind: 'firing', groupKey: 'dave', ruleId: rule.json.id })]);
    const got = await call('GET', `/api/alerts/rules/${rule.json.id}`);
    expect(got.json.groups).toEqual([expect.objectContaining({ groupKey: 'dave', state: 'firing' })]);

    await ctx.outbox.runDue();
    expect(rx.requests).toHaveLength(1);
    const verified = new Verifier(hook.json.secret).verify(rx.requests[0]!.body, { ...rx.requests[0]!.headers } as Record<string, string>) as { data: { links: { rule: string } } };
    expect(verified.data.links.rule).toBe(`http://viewer.test/alerts/${rule.json.id}`);

    const deliveries = await call('GET', `/api/webhooks/${hook.json.id}/deliveries`);
    expect(deliveries.json.items).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, outcome: 'success' })]);
    expect(deliveries.json.messages).toEqual([expect.objectContaining({ state: 'delivered', eventType: 'alert.firing' })]);
    const again = await call('POST', `/api/webhooks/deliveries/${deliveries.json.items[0].id}/redeliver`);
    expect(again).toMatchObject({ status: 202, json: { state: 'pending' } });
    await ctx.outbox.runDue();
    expect(rx.requests).toHaveLength(2);
    expect(rx.requests[1]!.headers['webhook-id']).toBe(rx.requests[0]!.headers['webhook-id']);

    // Another project sees none of it.
    expect((await call('GET', `/api/alerts/rules/${rule.json.id}`, undefined, 'proj_other')).status).toBe(404);
    expect((await call('GET', '/api/webhooks', undefined, 'proj_other')).json.items).toEqual([]);
    expect((await call('POST', `/api/webhooks/deliveries/${deliveries.json.items[0].id}/redeliver`, undefined, 'proj_other')).status).toBe(404);

    // Rotation: both secrets verify the next delivery.
    const rotated = await call('POST', `/api/webhooks/${hook.json.id}/rotate-secret`);
    expect(rotated.json.secret).not.toBe(hook.json.secret);
    expect((await call('POST', `/api/webhooks/${hook.json.id}/test`)).status).toBe(202);
    await ctx.outbox.runDue();
    const last = rx.requests[2]!;
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [hook.json.secret, rotated.json.secret]) {
      expect(new Verifier(s).verify(last.body, { ...last.headers } as Record<string, string>)).toMatchObject({ type: 'webhook.test' });
    }

    const patched = await call('PATCH', `/api/alerts/rules/${rule.json.id}`, { enabled: false });
    expect(patched.json).toMatchObject({ enabled: false, name: 'user spend', groupBy: 'userId' });
    expect((await call('DELETE', `/api/alerts/rules/${rule.json.id}`)).status).toBe(204);
    expect((await call('GET', '/api/alerts/rules')).json.items).toEqual([]);
  });

  it('sends Slack-format messages to slack webhooks', async () => {
    const slackRx = await startReceiver();
    try {
      const hook = await call('POST', '/api/webhooks', { name: 'slack', type: 'slack', url: slackRx.url });
      const rule = await call('POST', '/api/alerts/rules', { name: '<!channel> spend', metric: 'spend', window: '24h', threshold: 0.01, filters: { userId: 'slack-user' }, webhookIds: [hook.json.id] });
      await seed(store.driver, [llmSpan(T0, 0.5, { ProjectId: 'proj_api', UserId: 'slack-user' })]);
      await call('POST', `/api/alerts/rules/${rule.json.id}/evaluate`);
      await ctx.outbox.runDue();
      const body = JSON.parse(slackRx.requests[0]!.body) as { text: string; blocks: unknown[] };
      expect(body.text).toContain('&lt;!channel&gt; spend');
      expect(body.text).toContain('$0.50');
      expect(slackRx.requests[0]!.headers['webhook-signature']).toBeUndefined();
    } finally {
      await slackRx.close();
    }
  });

  it('budget status: project and per-user budgets from the rollups, cached about 2 s', async () => {
    const P = 'proj_budget';
    expect((await call('POST', '/api/budgets', { scope: 'project', limitUsd: 10, window: 'month' }, P)).status).toBe(201);
    const perUser = await call('POST', '/api/budgets', { scope: 'user', limitUsd: 1, window: 'rolling', rollingHours: 24 }, P);
    expect(perUser.json).toMatchObject({ scope: 'user', userId: null, rollingHours: 24 });
    expect((await call('POST', '/api/budgets', { scope: 'project', userId: 'x', limitUsd: 1, window: 'day' }, P)).status).toBe(400);
    await seed(store.driver, [llmSpan(T0, 0.6, { ProjectId: P, UserId: 'frank' }), llmSpan(T0, 2, { ProjectId: P, UserId: 'gina' })]);

    let s = await call('GET', '/api/budgets/status?userId=frank', undefined, P);
    expect(s.json.exhausted).toBe(false);
    expect(s.json.budgets.map((b: { scope: string; spentUsd: number }) => [b.scope, Math.round(b.spentUsd * 100) / 100])).toEqual([
      ['project', 2.6],
      ['user', 0.6],
    ]);
    expect((await call('GET', '/api/budgets/status?userId=gina', undefined, P)).json.exhausted).toBe(true);
    expect((await call('GET', '/api/budgets/status', undefined, P)).json.budgets).toHaveLength(1);

    await seed(store.driver, [llmSpan(T0, 0.5, { ProjectId: P, UserId: 'frank' })]);
    s = await call('GET', '/api/budgets/status?userId=frank', undefined, P);
    expect(s.json.exhausted).toBe(false); // cached answer
    clock.advance(2_100);
    s = await call('GET', '/api/budgets/status?userId=frank', undefined, P);
    expect(s.json.exhausted).toBe(true);
  });
});

describe('OpenAPI', () => {
  it('documents every route the alerts sub-app mounts', async () => {
    const { buildOpenApiDocument } = await import('../api/openapi.ts');
    const { registeredRoutes } = await import('../api/route-samples.ts');
    const doc = buildOpenApiDocument({ version: 'test' }) as { paths: Record<string, Record<string, unknown>> };
    const routes = registeredRoutes(createAlertRoutes(ctx), '/api');
    expect(routes.length).toBeGreaterThan(20);
    for (const r of routes) {
      const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
  });
});
