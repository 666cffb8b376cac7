import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDriver } from '@sightline/storage';
import { newId } from './db.ts';
import { OutboxWorker } from './outbox-worker.ts';
import { generateWebhookSecret } from './signer.ts';
import { FakeClock, openTestStore, startReceiver } from './test-support.ts';
import { WebhookStore, type StoredWebhook } from './webhook-store.ts';

const P = 'proj_outbox';
let store: Awaited<ReturnType<typeof openTestStore>>;
let hooks: WebhookStore;
const clock = new FakeClock(new Date('2026-11-20T10:00:00Z'));
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  store = await openTestStore();
  hooks = new WebhookStore(store.driver);
});
afterAll(async () => {
  for (const close of closers) await close();
  await store.close();
});

async function hookTo(url: string, secret = generateWebhookSecret()): Promise<StoredWebhook> {
  return hooks.save({ projectId: P, name: `hook ${url}`, type: 'standard', url, secret, previousSecret: '', previousSecretExpiresAt: null, enabled: true, disabledReason: '', source: 'api' }, clock.now());
}
async function enqueue(webhookId: string, body = '{"type":"alert.firing","data":{"n":1}}'): Promise<string> {
  const id = newId('msg');
  await hooks.enqueue([{ projectId: P, id, webhookId, eventType: 'alert.firing', body, nextAttemptAt: clock.now(), createdAt: clock.now() }]);
  return id;
}
const worker = (s = hooks, opts: { allowPrivateTargets?: boolean; timeoutMs?: number } = {}) =>
  new OutboxWorker({ store: s, clock, allowPrivateTargets: opts.allowPrivateTargets ?? true, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });

describe('webhook outbox', () => {
  it('retries with back-off, honours Retry-After, keeps one webhook-id, and stops at a 2xx', async () => {
    const answers = [{ status: 500 }, { status: 503, headers: { 'retry-after': '120' } }, { status: 204 }];
    const rx = await startReceiver((_r, i) => answers[i] ?? { status: 200 });
    closers.push(rx.close);
    const secret = generateWebhookSecret();
    const hook = await hookTo(rx.url, secret);
    const id = await enqueue(hook.id);
    const w = worker();

    await w.runDue();
    expect(rx.requests).toHaveLength(1);
    let m = await hooks.message(P, id);
    expect(m).toMatchObject({ state: 'pending', attempts: 1 });
    expect(m!.nextAttemptAt!.getTime() - clock.now().getTime()).toBe(5_000);

    clock.advance(5_000);
    await w.runDue();
    m = await hooks.message(P, id);
    // The schedule says 30 s; the receiver asked for 120 s, which wins.
    expect(m!.nextAttemptAt!.getTime() - clock.now().getTime()).toBe(120_000);
    clock.advance(30_000);
    expect(await w.runDue()).toBe(0);
    clock.advance(90_000);
    await w.runDue();
    expect(rx.requests).toHaveLength(3);
    expect(await hooks.message(P, id)).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(new Set(rx.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    for (const r of rx.requests) expect(() => new Verifier(secret).verify(r.body, { ...r.headers } as Record<string, string>)).not.toThrow();
    const log = await hooks.deliveries(P, { webhookId: hook.id, limit: 10 });
    expect(log.map((d) => [d.attempt, d.statusCode, d.outcome])).toEqual([
      [3, 204, 'success'],
      [2, 503, 'retry'],
      [1, 500, 'retry'],
    ]);
  });

  it('survives a restart in the middle of a retry schedule', async () => {
    const rx = await startReceiver((_r, i) => (i === 0 ? { status: 502 } : { status: 200 }));
    closers.push(rx.close);
    const hook = await hookTo(rx.url);
    const id = await enqueue(hook.id);
    await worker().runDue();
    expect(await hooks.message(P, id)).toMatchObject({ state: 'pending', attempts: 1 });

    // "Restart": close the store, reopen the same data directory, build a new store and worker.
    await store.driver.close();
    store.driver = await openDriver({ mode: 'embedded', dataDir: store.dataDir });
    hooks = new WebhookStore(store.driver);
    const restarted = worker(hooks);
    expect(await restarted.runDue()).toBe(0); // not due yet: the persisted schedule holds
    clock.advance(5_000);
    expect(await restarted.runDue()).toBe(1);
    expect(rx.requests).toHaveLength(2);
    expect(rx.requests[1]!.headers['webhook-id']).toBe(id);
    expect(await hooks.message(P, id)).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('disables the endpoint on 410 Gone and fails its later messages without sending', async () => {
    const rx = await startReceiver(() => ({ status: 410 }));
    closers.push(rx.close);
    const hook = await hookTo(rx.url);
    const first = await enqueue(hook.id);
    await worker().runDue();
    expect(await hooks.message(P, first)).toMatchObject({ state: 'failed' });
    expect(await hooks.get(P, hook.id)).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    const second = await enqueue(hook.id);
    await worker().runDue();
    expect(rx.requests).toHaveLength(1);
    expect(await hooks.message(P, second)).toMatchObject({ state: 'failed' });
  });

  it('does not follow redirects', async () => {
    const target = await startReceiver();
    closers.push(target.close);
    const rx = await startReceiver(() => ({ status: 307, headers: { location: target.url } }));
    closers.push(rx.close);
    const hook = await hookTo(rx.url);
    const id = await enqueue(hook.id);
    await worker().runDue();
    expect(target.requests).toHaveLength(0);
    expect(await hooks.message(P, id)).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await hooks.deliveries(P, { webhookId: hook.id, limit: 1 }))[0]).toMatchObject({ statusCode: 307, outcome: 'retry' });
  });

  it('times out a receiver that never answers and schedules a retry', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => { hanging.closeAllConnections(); hanging.close(() => r()); }));
    const hook = await hookTo(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`);
    const id = await enqueue(hook.id);
    await worker(hooks, { timeoutMs: 300 }).runDue();
    expect(await hooks.message(P, id)).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await hooks.deliveries(P, { webhookId: hook.id, limit: 1 }))[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('timed out') });
  });

  it('refuses a private target again at connect time when private targets are not allowed', async () => {
    const rx = await startReceiver();
    closers.push(rx.close);
    const hook = await hookTo(rx.url);
    const id = await enqueue(hook.id);
    await worker(hooks, { allowPrivateTargets: false }).runDue();
    expect(rx.requests).toHaveLength(0);
    expect(await hooks.message(P, id)).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await hooks.deliveries(P, { webhookId: hook.id, limit: 1 }))[0]!.error).toMatch(/refused/);
  });
});
