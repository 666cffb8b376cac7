import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from './index.ts';

let sim: RunningSimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3 });
  client = new OpenAI({ apiKey: 'sim-key', baseURL: sim.openaiBaseURL, maxRetries: 0 });
});
afterAll(() => sim.close());

describe('responses API through the real openai client', () => {
  it('answers plain requests with output_text and usage', async () => {
    const res = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Explain the refund policy', instructions: 'Be brief.' });
    expect(res.status).toBe('completed');
    expect(res.output_text.length).toBeGreaterThan(10);
    expect(res.usage?.output_tokens).toBe(Math.ceil(res.output_text.length / 4));
  });

  it('streams typed events that assemble into the final response', async () => {
    const stream = client.responses.stream({ model: 'gpt-5-mini', input: [{ role: 'user', content: 'Plan a trip to Porto' }] });
    let deltas = '';
    stream.on('response.output_text.delta', (e) => (deltas += e.delta));
    const final = await stream.finalResponse();
    const message = final.output.find((o) => o.type === 'message');
    const text = message?.type === 'message' ? message.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('') : '';
    expect(text).toBe(deltas);
    expect(deltas.length).toBeGreaterThan(10);
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(final.output.some((o) => o.type === 'reasoning')).toBe(true);
  });

  it('returns function calls with the tools given', async () => {
    const res = await client.responses.create({
      model: 'gpt-4.1',
      input: 'Find the order status [[scenario:tool_call]]',
      tools: [{ type: 'function', name: 'order_status', strict: true, parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false } }],
    });
    const call = res.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && call.name).toBe('order_status');
  });
});

describe('embeddings, raw completions and models', () => {
  it('embeds deterministically with unit vectors (the client asks for base64 by default)', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta', 'alpha'] });
    expect(res.data).toHaveLength(3);
    const [a, b, a2] = res.data.map((d) => d.embedding);
    expect(a).toHaveLength(1536);
    expect(a2).toEqual(a);
    expect(b).not.toEqual(a);
    const norm = Math.sqrt((a ?? []).reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 3);
    const small = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'x', dimensions: 64, encoding_format: 'float' });
    expect(small.data[0]?.embedding).toHaveLength(64);
  });

  it('serves vLLM-style raw completions, plain and streamed', async () => {
    const plain = await client.completions.create({ model: 'Qwen/Qwen2.5-0.5B-Instruct', prompt: 'The capital of France is', max_tokens: 12 });
    expect(plain.object).toBe('text_completion');
    expect(plain.usage?.completion_tokens).toBeLessThanOrEqual(12);
    const stream = await client.completions.create({ model: 'Qwen/Qwen2.5-0.5B-Instruct', prompt: 'Once upon a time', max_tokens: 64, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.text ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('lists models', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    expect(models).toContain('gpt-4o-mini');
  });

  it('rejects bad requests with a clear 400 in the OpenAI error shape', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [] })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('messages') as unknown });
    const res = await fetch(`${sim.openaiBaseURL}/chat/completions`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    const unknown = await fetch(`${sim.openaiBaseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), headers: { 'x-simulator-scenario': 'explode' } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/unknown scenario 'explode'/);
  });
});
