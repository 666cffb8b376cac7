import OpenAI from 'openai';
import { wrapOpenAI } from '@sightline/sdk';
import { createTestCapture, type TestCapture } from '@sightline/sdk/testing';
import { mainNextTo, startExampleMain } from '@sightline/example-smoke-harness';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from './app.ts';

let sim: RunningSimulator;
let capture: TestCapture;
let app: ReturnType<typeof createService>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 4 });
  capture = createTestCapture();
  app = createService({ openai: wrapOpenAI(new OpenAI({ apiKey: 'sim', baseURL: sim.openaiBaseURL, maxRetries: 0 })) });
});
afterAll(async () => {
  await capture.dispose();
  await sim.close();
});

const post = (body: unknown, headers: Record<string, string>) =>
  app.request('/api/chat', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

describe('hono-service example', () => {
  it('puts each request’s user and session on its LLM span, even for concurrent requests', async () => {
    capture.reset();
    const results = await Promise.all([
      post({ message: 'hello from ana' }, { 'x-user-id': 'ana', 'x-session-id': 's-ana' }),
      post({ message: 'hello from ben' }, { 'x-user-id': 'ben', 'x-session-id': 's-ben' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const byUser = new Map(capture.llmSpans().map((s) => [s.attributes['user.id'], s.attributes['session.id']]));
    expect(byUser.get('ana')).toBe('s-ana');
    expect(byUser.get('ben')).toBe('s-ben');
    expect(capture.llmSpans().every((s) => s.attributes['sightline.metadata.route'] === '/api/chat')).toBe(true);
  });

  it('rejects requests without a user or message, and maps provider failures to 502 with an error span', async () => {
    expect((await post({ message: 'x' }, {})).status).toBe(401);
    expect((await post({}, { 'x-user-id': 'ana' })).status).toBe(400);
    capture.reset();
    const res = await post({ message: 'x [[scenario:server_error]]' }, { 'x-user-id': 'ana' });
    expect(res.status).toBe(502);
    expect(capture.llmSpans()[0]?.status.code).toBe(2);
  });

  it('main.ts serves requests and flushes its spans on SIGTERM', async () => {
    const running = await startExampleMain(mainNextTo(import.meta.dirname), { PORT: '0' });
    const [, url] = await running.waitFor(/listening on (http:\/\/\S+)/);
    const res = await fetch(`${url}/api/chat`, { method: 'POST', body: JSON.stringify({ message: 'hi' }), headers: { 'content-type': 'application/json', 'x-user-id': 'u-1', 'x-session-id': 's-1' } });
    expect(res.status).toBe(200);
    const run = await running.finish({ terminate: true });
    expect(run.exitCode, run.stderr).toBe(0);
    const llm = run.spans.find((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(llm?.attributes['user.id']).toBe('u-1');
    expect(llm?.service).toBe('example-hono-service');
  });
});
