import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from './index.ts';

let sim: RunningSimulator;
let client: Anthropic;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11 });
  client = new Anthropic({ apiKey: 'sim-key', baseURL: sim.anthropicBaseURL, maxRetries: 0 });
});
afterAll(() => sim.close());

const tools: Anthropic.Tool[] = [{ name: 'search_docs', description: 'Search the help centre', input_schema: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['query'] } }];

describe('messages through the real @anthropic-ai/sdk client', () => {
  it('answers with text blocks and usage', async () => {
    const msg = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 400, messages: [{ role: 'user', content: 'How do I reset my password?' }] });
    const text = msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.output_tokens).toBe(Math.ceil(text.length / 4));
    expect(msg.usage.cache_read_input_tokens).toBe(0);
  });

  it('streams message_start, deltas and message_delta into the final message', async () => {
    const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 600, messages: [{ role: 'user', content: 'Describe the onboarding steps' }] });
    let deltas = '';
    stream.on('text', (t) => (deltas += t));
    const final = await stream.finalMessage();
    expect(final.content[0]?.type === 'text' && final.content[0].text).toBe(deltas);
    expect(final.usage.output_tokens).toBe(Math.ceil(deltas.length / 4));
  });

  it('uses tools, streamed input JSON included, and answers after tool_result', async () => {
    const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 600, tools, messages: [{ role: 'user', content: '[[scenario:tool_call]] find the export guide' }] });
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(typeof (use?.input as { query?: unknown }).query).toBe('string');
    const answer = await client.messages.create({
      model: 'claude-sonnet-4-6', max_tokens: 600, tools,
      messages: [
        { role: 'user', content: 'find the export guide' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use?.id ?? '', content: 'Guide: Settings → Export' }] },
        { role: 'assistant', content: 'Let me check one more thing.' },
        { role: 'user', content: [{ type: 'text', text: 'thanks, just summarise' }] },
      ],
      tool_choice: { type: 'none' },
    });
    expect(answer.stop_reason).toBe('end_turn');
  });

  it('reports cache reads or writes only when cache_control is set', async () => {
    const system = [{ type: 'text' as const, text: 'You are a support agent. '.repeat(200), cache_control: { type: 'ephemeral' as const } }];
    const results = await Promise.all([1, 2, 3, 4].map((i) => client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, system, messages: [{ role: 'user', content: `question ${i}` }] })));
    for (const r of results) expect((r.usage.cache_read_input_tokens ?? 0) + (r.usage.cache_creation_input_tokens ?? 0)).toBeGreaterThan(0);
  });

  it('surfaces 429 with retry-after and a typed error, and 400 without max_tokens', async () => {
    const err = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: '[[scenario:rate_limit]] hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('1');
    const bad = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  });
});
