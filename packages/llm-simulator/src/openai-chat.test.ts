import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from './index.ts';

let sim: RunningSimulator;
let client: OpenAI;
const user = (content: string) => [{ role: 'user' as const, content }];

beforeAll(async () => {
  sim = await startSimulator({ seed: 7 });
  client = new OpenAI({ apiKey: 'sim-key', baseURL: sim.openaiBaseURL, maxRetries: 0 });
});
afterAll(() => sim.close());

describe('chat completions through the real openai client', () => {
  it('answers with text and usage of about chars / 4 tokens', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('Summarise the quarterly report for the finance team') });
    const text = res.choices[0]?.message.content ?? '';
    expect(text.length).toBeGreaterThan(20);
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
    expect(res.usage?.prompt_tokens).toBeGreaterThan(10);
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
    expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
  });

  it('is deterministic for the same seed and request, and differs across seeds', async () => {
    const req = { model: 'gpt-4o', messages: user('Name three colours') };
    const a = await client.chat.completions.create(req);
    const b = await client.chat.completions.create(req);
    expect(b.choices[0]?.message.content).toBe(a.choices[0]?.message.content);
    const other = await startSimulator({ seed: 8 });
    try {
      const c = await new OpenAI({ apiKey: 'k', baseURL: other.openaiBaseURL }).chat.completions.create(req);
      expect(c.choices[0]?.message.content).not.toBe(a.choices[0]?.message.content);
    } finally {
      await other.close();
    }
  });

  it('streams chunks whose concatenation matches the usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('Tell me about rivers'), stream: true, stream_options: { include_usage: true } });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('reports reasoning tokens for o-series and gpt-5 models, and cached tokens for long prompts', async () => {
    const long = 'Candidate resume line with experience and skills. '.repeat(120);
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((s) => client.chat.completions.create({ model: 'o4-mini', messages: user(`${long} ${s}`) })));
    for (const r of results) expect(r.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    expect(results.some((r) => (r.usage?.prompt_tokens_details?.cached_tokens ?? 0) > 0)).toBe(true);
    for (const r of results) expect((r.usage?.prompt_tokens_details?.cached_tokens ?? 0) % 128).toBe(0);
  });

  it('calls tools with schema-valid arguments, then answers once results come back', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'] } } }];
    const messages: OpenAI.ChatCompletionMessageParam[] = user('What is the weather in Lisbon?');
    for (let round = 0; round < 4; round++) {
      const res = await client.chat.completions.create({ model: 'gpt-4o', messages, tools, parallel_tool_calls: false });
      const msg = res.choices[0]?.message;
      if (!msg?.tool_calls?.length) {
        expect(round).toBeGreaterThan(0);
        expect(msg?.content).toBeTruthy();
        return;
      }
      expect(res.choices[0]?.finish_reason).toBe('tool_calls');
      const call = msg.tool_calls[0];
      if (call?.type !== 'function') throw new Error('expected a function call');
      const args = JSON.parse(call.function.arguments) as { city: unknown; unit: unknown };
      expect(typeof args.city).toBe('string');
      expect(['c', 'f']).toContain(args.unit);
      messages.push(msg, { role: 'tool', tool_call_id: call.id, content: '{"temp": 21}' });
    }
    throw new Error('the simulated model never stopped calling tools');
  });

  it('streams tool calls that the client accumulates', async () => {
    const runner = client.chat.completions.stream({ model: 'gpt-4o', messages: user('[[scenario:tool_call]] look up order 42'), tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { order_id: { type: 'integer', minimum: 1 } }, required: ['order_id'] } } }] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('lookup_order');
    expect(call?.type === 'function' && (JSON.parse(call.function.arguments) as { order_id: number }).order_id).toBeGreaterThanOrEqual(1);
  });

  it('returns JSON matching a json_schema response_format, and broken JSON under invalid_json', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, years: { type: 'integer', minimum: 0, maximum: 40 }, skills: { type: 'array', items: { type: 'string' } } }, required: ['name', 'years', 'skills'], additionalProperties: false };
    const response_format = { type: 'json_schema' as const, json_schema: { name: 'resume', schema, strict: true } };
    const ok = await client.chat.completions.create({ model: 'gpt-4o', messages: user('Parse this resume'), response_format });
    const parsed = JSON.parse(ok.choices[0]?.message.content ?? '') as { name: string; years: number; skills: string[] };
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.years) && parsed.years >= 0 && parsed.years <= 40).toBe(true);
    expect(Array.isArray(parsed.skills)).toBe(true);
    const bad = await client.chat.completions.create({ model: 'gpt-4o', messages: user('Parse this resume'), response_format }, { headers: { 'x-simulator-scenario': 'invalid_json' } });
    expect(() => JSON.parse(bad.choices[0]?.message.content ?? '')).toThrow();
  });

  it('honours max_tokens with finish_reason length', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('Write a long essay'), max_tokens: 5 });
    expect(res.choices[0]?.finish_reason).toBe('length');
    expect(res.usage?.completion_tokens).toBeLessThanOrEqual(5);
  });
});
