import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestCapture, type TestCapture } from '../testing.ts';
import { FakeLlmServer } from '../test/fake-llm-server.ts';
import { anthropicMessage, anthropicStream } from '../test/fixtures.ts';
import { wrapAnthropic } from './wrap.ts';

let server: FakeLlmServer;
let capture: TestCapture;
const client = (wrap = true) => {
  const c = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 0 });
  return wrap ? wrapAnthropic(c) : c;
};
const request = { model: 'claude-fake-1', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Hello' }] };

beforeAll(async () => {
  server = await FakeLlmServer.start();
  capture = createTestCapture();
});
afterAll(async () => {
  await capture.dispose();
  await server.close();
});
afterEach(() => capture.reset());

describe('wrapAnthropic', () => {
  it('records messages.create with cache read/write tokens folded into input tokens', async () => {
    server.script('/v1/messages', anthropicMessage({ text: 'Hi there', cacheRead: 300, cacheWrite: 50 }));
    const msg = await client().messages.create(request);
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hi there' });
    const span = capture.llmSpans()[0];
    expect(span?.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-fake-1',
      'gen_ai.request.max_tokens': 256,
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 390,
      'gen_ai.usage.output_tokens': 25,
      'gen_ai.usage.cache_read.input_tokens': 300,
      'gen_ai.usage.cache_creation.input_tokens': 50,
    });
    expect(span?.json('gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(span?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hi there' }], finish_reason: 'end_turn' }]);
  });

  it('records tool use', async () => {
    server.script('/v1/messages', anthropicMessage({ toolUse: { id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } } }));
    await client().messages.create({ ...request, tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] });
    const span = capture.llmSpans()[0];
    expect(span?.json('gen_ai.output.messages')).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Oslo' } }], finish_reason: 'tool_use' },
    ]);
  });

  it('streams with an identical event sequence and assembles text, usage and TTFT', async () => {
    server.script('/v1/messages', anthropicStream(['Hel', 'lo'], { cacheRead: 7 }), anthropicStream(['Hel', 'lo'], { cacheRead: 7 }));
    const collect = async (c: Anthropic) => {
      const out: unknown[] = [];
      for await (const e of await c.messages.create({ ...request, stream: true })) out.push(e);
      return out;
    };
    const bare = await collect(client(false));
    const wrapped = await collect(client());
    expect(wrapped).toEqual(bare);
    const span = capture.llmSpans()[0];
    expect(span?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 19,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cache_read.input_tokens': 7,
      'sightline.stream.chunk_count': bare.length,
    });
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(span?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'end_turn' }]);
  });

  it('works through the messages.stream() helper, whose final message is unchanged', async () => {
    server.script('/v1/messages', anthropicStream(['a', 'b', 'c']));
    const final = await client().messages.stream(request).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'abc' });
    expect(capture.llmSpans()).toHaveLength(1);
  });

  it('rethrows a rate-limit error unchanged', async () => {
    const body = { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } };
    server.script('/v1/messages', { kind: 'json', status: 429, body }, { kind: 'json', status: 429, body });
    const bare = (await client(false).messages.create(request).catch((e: unknown) => e)) as Error;
    const wrapped = (await client().messages.create(request).catch((e: unknown) => e)) as Error;
    expect(wrapped).toBeInstanceOf(Anthropic.RateLimitError);
    expect(wrapped.message).toBe(bare.message);
    expect(capture.llmSpans()[0]?.attributes['error.type']).toBe('429');
  });

  it('surfaces an aborted stream like the unwrapped client', async () => {
    server.script('/v1/messages', anthropicStream(['a', 'b'], { abortAfter: 3 }), anthropicStream(['a', 'b'], { abortAfter: 3 }));
    const run = async (c: Anthropic) => {
      const seen: unknown[] = [];
      try {
        for await (const e of await c.messages.create({ ...request, stream: true })) seen.push(e);
      } catch (err) {
        return { seen, err: err as Error };
      }
      return { seen, err: undefined };
    };
    const bare = await run(client(false));
    const wrapped = await run(client());
    expect(bare.err).toBeDefined();
    expect(wrapped.seen).toEqual(bare.seen);
    expect(wrapped.err?.constructor).toBe(bare.err?.constructor);
    expect(capture.llmSpans()[0]?.status.code).toBe(2);
  });
});
