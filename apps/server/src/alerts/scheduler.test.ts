import { AlertRuleInput } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertsContext, type AlertsContext } from './alerts-context.ts';
import { startAlertScheduler } from './scheduler.ts';
import { generateWebhookSecret } from './signer.ts';
import { FakeClock, llmSpan, openTestStore, seed, startReceiver } from './test-support.ts';

const P = 'proj_sched';
const T0 = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000);
let store: Awaited<ReturnType<typeof openTestStore>>;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let clock: FakeClock;
let ctx: AlertsContext;

beforeAll(async () => {
  store = await openTestStore();
  rx = await startReceiver();
  clock = new FakeClock(T0);
  ctx = createAlertsContext({ driver: store.driver, clock, allowPrivateTargets: true });
});
afterAll(async () => {
  await rx.close();
  await store.close();
});

async function ruleWithHook(name: string, intervalSeconds: number) {
  const hook = await ctx.webhooks.save(
    { projectId: P, name, type: 'standard', url: rx.url, secret: generateWebhookSecret(), previousSecret: '', previousSecretExpiresAt: null, enabled: true, disabledReason: '', source: 'api' },
    clock.now(),
  );
  return ctx.rules.save(P, AlertRuleInput.parse({ name, metric: 'spend', window: '1h', threshold: 1, intervalSeconds, filters: { service: name }, webhookIds: [hook.id] }), { source: 'api', now: clock.now() });
}

describe('alert scheduler', () => {
  it('evaluates each rule at its own interval on an injected clock and delivers in the same pass', async () => {
    const fast = await ruleWithHook('fast', 60);
    const slow = await ruleWithHook('slow', 600);
    const scheduler = startAlertScheduler(ctx, { autoStart: false });
    const evaluatedAt = async (id: string) => (await ctx.rules.states(P, id))[0]?.lastEvaluatedAt.getTime();

    await scheduler.tick();
    expect(await evaluatedAt(fast.id)).toBe(T0.getTime());
    expect(await evaluatedAt(slow.id)).toBe(T0.getTime());

    await seed(store.driver, [llmSpan(T0, 2, { ProjectId: P, ServiceName: 'fast' }), llmSpan(T0, 2, { ProjectId: P, ServiceName: 'slow' })]);
    clock.advance(30_000);
    await scheduler.tick(); // neither is due
    expect(rx.requests).toHaveLength(0);
    clock.advance(30_000);
    await scheduler.tick(); // fast is due: fires and is delivered in this pass
    expect(await evaluatedAt(fast.id)).toBe(T0.getTime() + 60_000);
    expect(await evaluatedAt(slow.id)).toBe(T0.getTime());
    expect(rx.requests.map((r) => JSON.parse(r.body).data.rule.name)).toEqual(['fast']);
    clock.advance(540_000);
    await scheduler.tick();
    expect(rx.requests.map((r) => JSON.parse(r.body).data.rule.name)).toEqual(['fast', 'slow']);
    await scheduler.stop();
  });

  it('runs on its own timer and sends enqueued notifications without waiting for the next pass', async () => {
    const rule = await ruleWithHook('timer', 3600);
    await seed(store.driver, [llmSpan(clock.now(), 5, { ProjectId: P, ServiceName: 'timer' })]);
    const before = rx.requests.length;
    const scheduler = startAlertScheduler(ctx, { pollMs: 20 });
    const deadline = Date.now() + 20_000;
    while (rx.requests.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await scheduler.stop();
    expect(rx.requests.slice(before).map((r) => JSON.parse(r.body).data.rule.id)).toEqual([rule.id]);
  });
});

describe('scheduler lease', () => {
  it('lets one of two servers sharing a store run the scheduler, and hands over on stop', async () => {
    const { SchedulerLease } = await import('./scheduler-lease.ts');
    const a = new SchedulerLease(store.driver, 60_000);
    const b = new SchedulerLease(store.driver, 60_000);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.acquire()).toBe(true); // renewal
    await a.release();
    expect(await b.acquire()).toBe(true);
    expect(await a.acquire()).toBe(false);

    // A second scheduler on the same store stands by: its passes evaluate nothing.
    const rule = await ruleWithHook('standby', 10);
    const standby = startAlertScheduler(ctx, { autoStart: false, lease: a });
    await standby.tick();
    expect(await ctx.rules.states(P, rule.id)).toEqual([]);
    await b.release();
    await standby.tick();
    expect(await ctx.rules.states(P, rule.id)).toHaveLength(1);
    await standby.stop();
  });
});
