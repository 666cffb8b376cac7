import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flush, init, shutdown, wrapOpenAI } from '@sightline/sdk';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { jsonLogger } from '../ops/log.ts';
import { startTestServer, type TestServer } from './test-support.ts';

let server: TestServer;
let sim: RunningSimulator;
const logLines: string[] = [];
const SECRET_PROMPT = 'my-unmistakable-secret-prompt-7f3a';

beforeAll(async () => {
  server = await startTestServer({}, jsonLogger((l) => logLines.push(l), 'debug'));
  sim = await startSimulator({ seed: 3 });
  init({ endpoint: server.url, apiKey: server.key, protocol: 'http/protobuf', serviceName: 'sdk-ingest-test', flushOnExit: false, scheduledDelayMillis: 50 });
});
afterAll(async () => {
  await shutdown();
  await sim?.close();
  await server?.close();
});

describe('the Sightline SDK against the real server', () => {
  it('an instrumented OpenAI call arrives as a normalised, priced LLM row', async () => {
    const openai = wrapOpenAI(new OpenAI({ apiKey: 'sim', baseURL: sim.openaiBaseURL }));
    const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: SECRET_PROMPT }] });
    expect(reply.choices[0]?.message.content).toBeTruthy();
    await flush();
    let rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      rows = await server.driver.query(
        "SELECT SpanClass, Provider, RequestModel, InputTokens, OutputTokens, CostNanos, Convention, ServiceName, InputContent FROM spans WHERE ServiceName = 'sdk-ingest-test'",
      );
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ SpanClass: 'llm', RequestModel: 'gpt-4o-mini', Convention: 'sightline' });
    expect(Number(rows[0]!.InputTokens)).toBe(reply.usage?.prompt_tokens);
    expect(Number(rows[0]!.CostNanos)).toBeGreaterThan(0);
    expect(String(rows[0]!.InputContent)).toContain(SECRET_PROMPT);
  });

  it('never writes prompt text or API keys into the server logs', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join('');
    expect(all).not.toContain(SECRET_PROMPT);
    expect(all).not.toContain(server.key);
    for (const line of logLines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('on loopback, /api answers without a key as the default project; a wrong key is still refused', async () => {
    const res = await fetch(`${server.url}/api/keys`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: { projectId: string }[] }).items[0]?.projectId).toBe('default');
    expect((await fetch(`${server.url}/api/keys`, { headers: { authorization: 'Bearer sl_wrongwrongwrongwrongwrongwrong00' } })).status).toBe(401);
  });
});
