import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  MetricsResponse,
  SessionResponse,
  TopListResponse,
  TraceDetailResponse,
  TraceListResponse,
} from '@sightline/contracts';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { flush, init, shutdown, traceAgent, withContext, withPrompt, wrapAnthropic, wrapOpenAI } from '@sightline/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '../main.ts';
import { jsonLogger } from '../ops/log.ts';

/**
 * The query API over the whole path on real parts: the SDK wraps the real openai and anthropic
 * clients against the simulator and exports to the real server over OTLP/HTTP; ingest normalises,
 * prices and stores; the API answers over loopback HTTP.
 */
const dir = mkdtempSync(join(tmpdir(), 'sightline-api-e2e-'));
const KEY = 'sl_e2e_query_bootstrap_key_0123456789';
let server: RunningServer;
let sim: RunningSimulator;

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as unknown;
};

beforeAll(async () => {
  sim = await startSimulator();
  // Only the composition root reads the environment; the test sets it the way an operator would.
  process.env.SIGHTLINE_BOOTSTRAP_KEY = KEY;
  const loaded = loadConfig({ port: '0', host: '127.0.0.1', dataDir: join(dir, 'data') });
  if (!loaded.ok) throw new Error(loaded.message);
  server = await startServer(loaded.config, jsonLogger(() => undefined, 'error'));
  init({ endpoint: server.url, apiKey: KEY, serviceName: 'e2e-support', registerGlobal: false, scheduledDelayMillis: 20 });
});
afterAll(async () => {
  await shutdown();
  await server?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('query API end to end', () => {
  it('finds, explains and aggregates what the SDK sent', async () => {
    const openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-sim', baseURL: sim.openaiBaseURL, maxRetries: 0 }));
    const anthropic = wrapAnthropic(new Anthropic({ apiKey: 'sk-ant-sim', baseURL: sim.anthropicBaseURL, maxRetries: 0 }));
    await withContext({ userId: 'e2e-user', sessionId: 'e2e-session', metadata: { plan: 'gold' } }, () =>
      traceAgent('support', async () => {
        await withPrompt({ name: 'answer', version: 3 }, () =>
          openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my Parcel?' }] }),
        );
        const stream = await openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'And when?' }],
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const _chunk of stream) void _chunk;
        await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Summarise it' }] });
      }),
    );
    await flush();

    // Ingest is asynchronous (spool, writer): wait until the trace is listed.
    let list: TraceListResponse = { items: [], nextCursor: null };
    for (const deadline = Date.now() + 30_000; list.items.length === 0 && Date.now() < deadline; ) {
      list = TraceListResponse.parse(await get('/api/traces?userId=e2e-user'));
      if (list.items.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(list.items).toHaveLength(1);
    const item = list.items[0]!;
    expect(item).toMatchObject({ llmCallCount: 3, spanCount: 4, sessionId: 'e2e-session', serviceName: 'e2e-support', status: 'ok', unpricedCallCount: 0 });
    expect(item.costUsd).toBeGreaterThan(0);

    const detail = TraceDetailResponse.parse(await get(`/api/traces/${item.traceId}`));
    const calls = detail.spans.filter((s) => s.spanClass === 'llm');
    // The SDK reports a non-OpenAI base URL as openai_compatible; the price book still knows the model.
    expect(calls.map((c) => c.provider).sort()).toEqual(['anthropic', 'openai_compatible', 'openai_compatible']);
    const first = calls.find((c) => c.promptName === 'answer')!;
    expect(first).toMatchObject({ promptVersion: '3', costStatus: 'priced', userId: 'e2e-user' });
    expect(first.input).toContain('Parcel');
    expect(first.output).not.toBeNull();
    expect(first.costExplanation?.priceKey).toMatch(/gpt-4o-mini/);
    expect(first.costExplanation?.totalUsd).toBeCloseTo(first.costUsd!, 9);
    expect(calls.every((c) => c.inputTokens > 0 && c.outputTokens > 0)).toBe(true);

    const byText = TraceListResponse.parse(await get('/api/traces?q=parcel&attr=sightline.metadata.plan%3Dgold'));
    expect(byText.items.map((i) => i.traceId)).toEqual([item.traceId]);
    const session = SessionResponse.parse(await get('/api/sessions/e2e-session'));
    expect(session.traces.map((t) => t.traceId)).toEqual([item.traceId]);

    const spend = MetricsResponse.parse(await get('/api/metrics/spend?groupBy=provider&interval=minute'));
    expect(spend.series.map((s) => s.key).sort()).toEqual(['anthropic', 'openai_compatible']);
    expect(spend.totals.calls).toBe(3);
    expect(spend.totals.costUsd).toBeCloseTo(item.costUsd, 9);
    const users = TopListResponse.parse(await get('/api/top/costliest-users'));
    expect(users.items[0]).toMatchObject({ key: 'e2e-user', calls: 3 });
  });
});
