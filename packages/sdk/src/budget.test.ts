import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, BudgetGuard, type BudgetOptions } from './budget.ts';
import type { LlmCall } from './llm-call.ts';
import { flush, init, shutdown } from './init.ts';
import { wrapOpenAI } from './openai/wrap.ts';
import { withContext } from './scope.ts';
import { FakeLlmServer } from './test/fake-llm-server.ts';
import { chatCompletion } from './test/fixtures.ts';

// A stand-in for the server's GET /api/budgets/status: answers as each test sets it.
let statusServer: Server;
let statusUrl: string;
let answer: { status: number; body: unknown; delayMs?: number } = { status: 200, body: { exhausted: false, budgets: [] } };
const statusRequests: Array<{ url: string; auth: string | undefined }> = [];

let llm: FakeLlmServer;
let exporter: InMemorySpanExporter;
const messages = [{ role: 'user' as const, content: 'hi' }];
const client = () => wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${llm.url}/v1`, maxRetries: 0 }));
const exhausted = { exhausted: true, budgets: [{ id: 'b-user', scope: 'user', limitUsd: 5, spentUsd: 5.2, window: 'day' }] };

function start(budget: BudgetOptions): void {
  exporter = new InMemorySpanExporter();
  init({ endpoint: statusUrl, apiKey: 'sl_key', exporter, registerGlobal: false, budget, validationWindowMs: 1 });
}

beforeAll(async () => {
  llm = await FakeLlmServer.start();
  statusServer = createServer((req, res) => {
    statusRequests.push({ url: req.url ?? '', auth: req.headers.authorization });
    const send = () => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  await new Promise<void>((r) => statusServer.listen(0, '127.0.0.1', r));
  statusUrl = `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await llm.close();
  statusServer.closeAllConnections();
  await new Promise((r) => statusServer.close(r));
});
afterEach(async () => {
  await shutdown();
  statusRequests.length = 0;
  llm.requests.length = 0;
  answer = { status: 200, body: { exhausted: false, budgets: [] } };
});

describe('budget guard', () => {
  it('throws BudgetExceededError with the budget details without calling the provider', async () => {
    start({ mode: 'throw' });
    answer = { status: 200, body: exhausted };
    const err = await withContext({ userId: 'alice' }, () => client().chat.completions.create({ model: 'gpt-4o-mini', messages })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).budgets).toEqual(exhausted.budgets);
    expect((err as BudgetExceededError).userId).toBe('alice');
    expect(llm.callsTo('/v1/chat/completions')).toBe(0);
    expect(statusRequests[0]).toEqual({ url: '/api/budgets/status?userId=alice', auth: 'Bearer sl_key' });
    await flush();
    const span = exporter.getFinishedSpans()[0];
    expect(span?.attributes['error.type']).toBe('BudgetExceededError');
  });

  it('lets calls through when within budget, keeping the APIPromise helpers, and caches per user', async () => {
    start({ mode: 'throw', cacheMs: 60_000 });
    llm.script('/v1/chat/completions', chatCompletion({ content: 'a' }), chatCompletion({ content: 'b' }), chatCompletion({ content: 'c' }));
    const c = client();
    const { data, response } = await withContext({ userId: 'bob' }, () => c.chat.completions.create({ model: 'm', messages }).withResponse());
    expect(data.choices[0]?.message.content).toBe('a');
    expect(response.status).toBe(200);
    await withContext({ userId: 'bob' }, () => c.chat.completions.create({ model: 'm', messages }));
    await withContext({ userId: 'carol' }, () => c.chat.completions.create({ model: 'm', messages }));
    expect(statusRequests.map((r) => r.url)).toEqual(['/api/budgets/status?userId=bob', '/api/budgets/status?userId=carol']);
  });

  it('keeps the status of a bounded number of users, however many a service sees', async () => {
    const guard = new BudgetGuard({ mode: 'throw', cacheMs: 60_000 }, `${statusUrl}/api/budgets/status`, {}, 2);
    // Within budget, the guard never reads the call.
    const call = {} as LlmCall;
    const check = (userId: string) => withContext({ userId }, () => guard.gate(call));
    await check('u1');
    await check('u2');
    expect(check('u1')).toBeUndefined(); // cached
    await check('u3'); // a third user: the cache starts afresh
    await check('u1');
    expect(statusRequests.map((r) => r.url.split('=')[1])).toEqual(['u1', 'u2', 'u3', 'u1']);
  });

  it('warns on the span and lets the call through in warn mode', async () => {
    start({ mode: 'warn' });
    answer = { status: 200, body: exhausted };
    llm.script('/v1/chat/completions', { ...chatCompletion({ content: 'late' }) });
    // The first call starts the check; the second, with the answer cached, carries the warning.
    llm.script('/v1/chat/completions', chatCompletion({ content: 'warned' }));
    const c = client();
    await c.chat.completions.create({ model: 'm', messages });
    const res = await c.chat.completions.create({ model: 'm', messages });
    expect(res.choices[0]?.message.content).toBe('warned');
    await flush();
    const events = exporter.getFinishedSpans().flatMap((s) => s.events.map((e) => e.name));
    expect(events).toContain('sightline.budget.exceeded');
  });

  it('fails open when the status server is down or slower than the timeout', async () => {
    start({ mode: 'throw', timeoutMs: 300, cacheMs: 1 });
    answer = { status: 200, body: exhausted, delayMs: 2000 };
    llm.script('/v1/chat/completions', chatCompletion({ content: 'open' }), chatCompletion({ content: 'open2' }));
    const t0 = performance.now();
    const res = await client().chat.completions.create({ model: 'm', messages });
    expect(res.choices[0]?.message.content).toBe('open');
    expect(performance.now() - t0).toBeLessThan(1500);
    answer = { status: 503, body: { error: 'down' } };
    await new Promise((r) => setTimeout(r, 5));
    expect((await client().chat.completions.create({ model: 'm', messages })).choices[0]?.message.content).toBe('open2');
  });

  it('fails closed when asked to', async () => {
    start({ mode: 'throw', failOpen: false });
    answer = { status: 500, body: 'nope' };
    const err = await client().chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(llm.callsTo('/v1/chat/completions')).toBe(0);
  });
});
