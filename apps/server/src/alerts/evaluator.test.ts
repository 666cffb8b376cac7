import { AlertRuleInput } from '@sightline/contracts';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertsContext, type AlertsContext } from './alerts-context.ts';
import { generateWebhookSecret } from './signer.ts';
import { FakeClock, llmSpan, openTestStore, seed, startReceiver } from './test-support.ts';

const P = 'proj_alerts';
// Recent real time (minute rollups keep 3 days), aligned to a UTC hour so windows are predictable.
const T0 = new Date(Math.floor((Date.now() - 6 * 3_600_000) / 3_600_000) * 3_600_000);
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let store: Awaited<ReturnType<typeof openTestStore>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let clock: FakeClock;
let ctx: AlertsContext;
let secret: string;
let webhookId: string;

beforeAll(async () => {
  store = await openTestStore();
  receiver = await startReceiver();
  clock = new FakeClock(at(0));
  ctx = createAlertsContext({ driver: store.driver, clock, allowPrivateTargets: true, viewerBaseUrl: 'http://sightline.test' });
  secret = generateWebhookSecret();
  const hook = await ctx.webhooks.save(
    { projectId: P, name: 'receiver', type: 'standard', url: receiver.url, secret, previousSecret: '', previousSecretExpiresAt: null, enabled: true, disabledReason: '', source: 'api' },
    clock.now(),
  );
  webhookId = hook.id;
});
afterAll(async () => {
  await receiver.close();
  await store.close();
});

const newRule = (input: Record<string, unknown>) => ctx.rules.save(P, AlertRuleInput.parse({ webhookIds: [webhookId], ...input }), { source: 'api', now: clock.now() });
const verify = (i: number) => new Verifier(secret).verify(receiver.requests[i]!.body, { ...receiver.requests[i]!.headers } as Record<string, string>) as { type: string; data: Record<string, unknown> };

describe('rule evaluation over seeded rollups', () => {
  it('fires exactly once per crossing, then resolves, with one signed delivery each', async () => {
    const rule = await newRule({ name: 'spend 1h', metric: 'spend', window: '1h', threshold: 1 });
    await seed(store.driver, [llmSpan(at(1), 0.25), llmSpan(at(2), 0.25)]);
    clock.set(at(5));
    let r = await ctx.evaluator.evaluate(P, rule, clock.now());
    expect(r.groups).toEqual([expect.objectContaining({ groupKey: '', breached: false, transition: 'none' })]);
    expect(r.groups[0]!.value).toBeCloseTo(0.5, 9);

    await seed(store.driver, [llmSpan(at(6), 0.7)]);
    clock.set(at(7));
    r = await ctx.evaluator.evaluate(P, rule, clock.now());
    expect(r.groups[0]).toMatchObject({ breached: true, state: 'firing', transition: 'firing' });
    expect(r.groups[0]!.value).toBeCloseTo(1.2, 9);
    for (const m of [8, 9, 30]) {
      clock.set(at(m));
      r = await ctx.evaluator.evaluate(P, rule, clock.now());
      expect(r.groups[0]).toMatchObject({ state: 'firing', transition: 'none' });
    }
    await ctx.outbox.runDue();
    expect(receiver.requests).toHaveLength(1);
    const firing = verify(0);
    expect(firing.type).toBe('alert.firing');
    expect(firing.data).toMatchObject({ value: expect.closeTo(1.2, 9), threshold: 1, group: null, window: expect.objectContaining({ name: '1h' }) });
    expect(receiver.requests[0]!.body).not.toContain('secret prompt text');
    expect(receiver.requests[0]!.body).not.toContain('secret output text');

    // 70 minutes in, the 1 h window no longer holds the spend: resolved, notified once.
    clock.set(at(70));
    r = await ctx.evaluator.evaluate(P, rule, clock.now());
    expect(r.groups[0]).toMatchObject({ state: 'ok', transition: 'resolved', value: 0 });
    clock.set(at(71));
    r = await ctx.evaluator.evaluate(P, rule, clock.now());
    expect(r.groups[0]).toMatchObject({ state: 'ok', transition: 'none' });
    await ctx.outbox.runDue();
    expect(receiver.requests).toHaveLength(2);
    expect(verify(1).type).toBe('alert.resolved');

    const events = await ctx.rules.events(P, { ruleId: rule.id, limit: 10 });
    expect(events.map((e) => e.kind)).toEqual(['resolved', 'firing']);
    expect(events[1]!.messageIds).toHaveLength(1);
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(events[1]!.messageIds[0]);
  });

  it('re-notifies while firing only after the configured interval', async () => {
    const rule = await newRule({ name: 'p95 latency', metric: 'p95_latency', window: '24h', threshold: 1000, renotifyMinutes: 30, filters: { service: 'slow-svc' } });
    await seed(store.driver, Array.from({ length: 20 }, (_, i) => llmSpan(at(100 + i), 0, { ServiceName: 'slow-svc', Duration: 3_000_000_000 })));
    const kinds: string[] = [];
    for (const m of [121, 130, 150, 151, 181]) {
      clock.set(at(m));
      const r = await ctx.evaluator.evaluate(P, rule, clock.now());
      kinds.push(r.groups[0]!.transition);
    }
    expect(kinds).toEqual(['firing', 'none', 'none', 'renotify', 'renotify']);
  });

  it('group-by rules fire per group: any user over $5 today', async () => {
    const rule = await newRule({ name: 'user spend today', metric: 'spend', window: 'day', threshold: 5, groupBy: 'userId', filters: { environment: 'staging' } });
    const env = { Environment: 'staging' };
    await seed(store.driver, [
      llmSpan(at(200), 6, { ...env, UserId: 'alice' }),
      llmSpan(at(201), 2, { ...env, UserId: 'bob' }),
      llmSpan(at(202), 3.5, { ...env, UserId: 'carol' }),
      llmSpan(at(203), 3.5, { ...env, UserId: 'carol' }),
      llmSpan(at(204), 50, { UserId: 'bob' }), // production: filtered out
    ]);
    clock.set(at(210));
    let r = await ctx.evaluator.evaluate(P, rule, clock.now());
    const firing = (res: typeof r) => res.groups.filter((g) => g.transition === 'firing').map((g) => g.groupKey).sort();
    expect(firing(r)).toEqual(['alice', 'carol']);
    // Groups under the threshold and not firing are filtered out in ClickHouse.
    expect(r.groups.map((g) => g.groupKey).sort()).toEqual(['alice', 'carol']);

    await seed(store.driver, [llmSpan(at(211), 4, { ...env, UserId: 'bob' })]);
    clock.set(at(212));
    r = await ctx.evaluator.evaluate(P, rule, clock.now());
    expect(firing(r)).toEqual(['bob']);
    expect(r.groups.filter((g) => g.state === 'firing')).toHaveLength(3);

    const before = receiver.requests.length;
    await ctx.outbox.runDue();
    const bodies = receiver.requests
      .slice(before)
      .map((_, i) => verify(before + i))
      .filter((b) => (b.data.rule as { name: string }).name === 'user spend today');
    expect(bodies.map((b) => (b.data.group as { value: string }).value).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(bodies[0]!.data.links).toMatchObject({ traces: expect.stringContaining('environment=staging') });

    // A new UTC day: no group breaches, yet the firing ones are still read (they are firing) and resolve.
    const nextDay = new Date(Date.UTC(at(212).getUTCFullYear(), at(212).getUTCMonth(), at(212).getUTCDate() + 1, 0, 5));
    r = await ctx.evaluator.evaluate(P, rule, nextDay);
    expect(r.groups.map((g) => [g.groupKey, g.transition, g.value])).toEqual(
      expect.arrayContaining([['alice', 'resolved', null], ['bob', 'resolved', null], ['carol', 'resolved', null]]),
    );
  });

  it('spend per endpoint today, one config version only: the alert before the bill', async () => {
    const rule = await newRule({ name: 'endpoint spend today', metric: 'spend', window: 'day', threshold: 2, groupBy: 'endpoint', filters: { service: 'ep-svc', configVersion: 'cfg-9' } });
    const sdk = (endpoint: string, configVersion: string) => ({ ServiceName: 'ep-svc', ParentSpanId: 'ab12cd34ef56ab78', SpanAttributes: { 'sightline.endpoint': endpoint, 'sightline.config.version': configVersion } });
    await seed(store.driver, [
      llmSpan(at(220), 1.5, sdk('POST /chat', 'cfg-9')),
      llmSpan(at(221), 1, sdk('POST /chat', 'cfg-9')),
      llmSpan(at(222), 1.9, sdk('POST /summarize', 'cfg-9')),
      llmSpan(at(223), 40, sdk('POST /summarize', 'cfg-8')), // another config version: filtered out
    ]);
    clock.set(at(225));
    const r = await ctx.evaluator.evaluate(P, rule, clock.now());
    expect(r.groups.map((g) => [g.groupKey, g.transition])).toEqual([['POST /chat', 'firing']]);
    expect(r.groups[0]!.value).toBeCloseTo(2.5, 9);
    await ctx.outbox.runDue();
    const sent = verify(receiver.requests.length - 1);
    expect(sent.data).toMatchObject({ group: { by: 'endpoint', value: 'POST /chat' }, rule: expect.objectContaining({ filters: { service: 'ep-svc', configVersion: 'cfg-9' } }) });
    // The link opens the endpoint's traces of that config version over the window.
    const traces = new URL((sent.data['links'] as { traces: string }).traces);
    expect([traces.searchParams.get('endpoint'), traces.searchParams.get('configVersion')]).toEqual(['POST /chat', 'cfg-9']);
  });

  it('error rate by model with a minimum call count and one failure class', async () => {
    const rule = await newRule({ name: 'model errors', metric: 'error_rate', window: '1h', threshold: 0.05, minCalls: 5, groupBy: 'model', failureClass: 'rate_limit', filters: { service: 'err-svc' } });
    const base = { ServiceName: 'err-svc' };
    const failed = (model: string, fc: 'rate_limit' | 'timeout') => llmSpan(at(300), 0, { ...base, ResponseModel: model, StatusCode: 'Error', FailureClass: fc });
    await seed(store.driver, [
      ...Array.from({ length: 9 }, () => llmSpan(at(300), 0, { ...base, ResponseModel: 'model-a' })),
      failed('model-a', 'rate_limit'), // 1/10 = 10% rate limits
      ...Array.from({ length: 9 }, () => llmSpan(at(300), 0, { ...base, ResponseModel: 'model-b' })),
      failed('model-b', 'timeout'), // an error, but not of the watched class
      failed('model-c', 'rate_limit'),
      failed('model-c', 'rate_limit'), // 100%, but only 2 calls < minCalls
    ]);
    clock.set(at(305));
    const r = await ctx.evaluator.evaluate(P, rule, clock.now());
    const byModel = Object.fromEntries(r.groups.map((g) => [g.groupKey, g]));
    expect(byModel['model-a']).toMatchObject({ breached: true, transition: 'firing', calls: 10 });
    expect(byModel['model-a']!.value).toBeCloseTo(0.1, 9);
    // model-b (no rate limits) and model-c (too few calls) do not breach: ClickHouse leaves them out.
    expect(Object.keys(byModel)).toEqual(['model-a']);
  });

  it('forecasts month-end spend against a budget', async () => {
    const rule = await newRule({ name: 'forecast', metric: 'spend_forecast', window: 'month', threshold: 1000, filters: { service: 'forecast-svc' } });
    const now = at(400);
    clock.set(now);
    await seed(store.driver, [llmSpan(at(390), 40, { ServiceName: 'forecast-svc' })]);
    const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const monthDays = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - monthStart) / 86_400_000;
    const elapsedDays = Math.max((now.getTime() - monthStart) / 86_400_000, 1);
    const expected = (40 / elapsedDays) * monthDays;
    const r = await ctx.evaluator.evaluate(P, rule, now);
    expect(r.groups[0]!.value).toBeCloseTo(expected, 6);
    expect(r.groups[0]!.breached).toBe(expected > 1000);
  });

  it('reads rolling windows from the right rollup: 1 h and 24 h minutely, 7 d hourly; p95 TTFT', async () => {
    const svc = { ServiceName: 'window-svc' };
    const now = at(-1); // just before T0's hour: the spans below sit 1 h, 1 d and 2 d earlier
    await seed(store.driver, [
      llmSpan(new Date(now.getTime() - 30 * 60_000), 1, { ...svc, TtftMs: 900 }),
      llmSpan(new Date(now.getTime() - 20 * 3_600_000), 10, { ...svc, TtftMs: 900 }),
      llmSpan(new Date(now.getTime() - 40 * 3_600_000), 100, { ...svc, TtftMs: 900 }),
    ]);
    const spend = async (window: string) => {
      const rule = await newRule({ name: `window ${window}`, metric: 'spend', window, threshold: 1000, filters: { service: 'window-svc' } });
      return (await ctx.evaluator.evaluate(P, rule, now)).groups[0]!.value;
    };
    expect(await spend('1h')).toBeCloseTo(1, 9);
    expect(await spend('24h')).toBeCloseTo(11, 9);
    expect(await spend('7d')).toBeCloseTo(111, 9);
    const ttft = await newRule({ name: 'ttft', metric: 'p95_ttft', window: '7d', threshold: 500, filters: { service: 'window-svc' } });
    const r = await ctx.evaluator.evaluate(P, ttft, now);
    expect(r.groups[0]!.value).toBeCloseTo(900, 6);
    expect(r.groups[0]!.breached).toBe(true);
  });
});
