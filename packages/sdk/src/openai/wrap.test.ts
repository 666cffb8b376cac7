import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestCapture, type TestCapture } from '../testing.ts';
import { FakeLlmServer } from '../test/fake-llm-server.ts';
import { chatCompletion, chatStream, openaiError } from '../test/fixtures.ts';
import { withContext, withPrompt } from '../scope.ts';
import { requestFields, wrapOpenAI } from './wrap.ts';

let server: FakeLlmServer;
let capture: TestCapture;
const client = (wrap = true) => {
  const c = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
  return wrap ? wrapOpenAI(c, { provider: 'openai' }) : c;
};
const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'What is 2+2?' },
];

beforeAll(async () => {
  server = await FakeLlmServer.start();
  capture = createTestCapture();
});
afterAll(async () => {
  await capture.dispose();
  await server.close();
});
afterEach(() => capture.reset());

describe('wrapOpenAI: chat.completions.create', () => {
  it('records a plain call with GenAI attributes, content and usage including cached and reasoning tokens', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: '4', cached: 100, reasoning: 12 }));
    const res = await withContext({ userId: 'u-1', sessionId: 's-1', metadata: { plan: 'pro' } }, () =>
      withPrompt({ name: 'math', version: 3 }, () => client().chat.completions.create({ model: 'gpt-4o-mini', messages, temperature: 0.2, max_tokens: 50 })),
    );
    expect(res.choices[0]?.message.content).toBe('4');
    const [span] = capture.llmSpans();
    expect(span?.name).toBe('chat gpt-4o-mini');
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'gen_ai.usage.reasoning.output_tokens': 12,
      'server.address': '127.0.0.1',
      'user.id': 'u-1',
      'session.id': 's-1',
      'gen_ai.conversation.id': 's-1',
      'sightline.metadata.plan': 'pro',
      'sightline.prompt.name': 'math',
      'sightline.prompt.version': '3',
      'sightline.attempt': 1,
    });
    expect(span?.json('gen_ai.input.messages')).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is 2+2?' }] },
    ]);
    expect(span?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: '4' }], finish_reason: 'stop' }]);
  });

  it('records tool calls in the output and tool definitions from the request', async () => {
    server.script('/v1/chat/completions', chatCompletion({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] }));
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const res = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
    expect(res.choices[0]?.message.tool_calls?.[0]?.id).toBe('call_1');
    const span = capture.llmSpans()[0];
    expect(span?.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    expect(span?.json('gen_ai.output.messages')).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }], finish_reason: 'tool_calls' },
    ]);
    expect(span?.json('gen_ai.tool.definitions')).toEqual(tools);
  });

  it('keeps APIPromise helpers: withResponse() and asResponse() behave as unwrapped', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: 'a' }), chatCompletion({ content: 'b' }));
    const { data, response, request_id } = await client().chat.completions.create({ model: 'm', messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe('a');
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_test_1');
    const [parsed] = capture.llmSpans();
    expect(parsed?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'a' }], finish_reason: 'stop' }]);
    expect(parsed?.attributes['sightline.diagnostics']).toBeUndefined();
    capture.reset();

    const raw = await client().chat.completions.create({ model: 'm', messages }).asResponse();
    // The app reads the body itself: the wrapper must not have consumed it.
    expect(((await raw.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('b');
    // Nothing parses the body, so the span ends once the response is in: not whenever (if ever)
    // the dropped promise is collected, and not as a result nobody read.
    await new Promise((r) => setImmediate(r));
    const [rawSpan] = capture.llmSpans();
    expect(rawSpan?.name).toBe('chat m');
    expect(JSON.parse(String(rawSpan?.attributes['sightline.diagnostics']))).toEqual(['response_read_raw']);
    expect(rawSpan?.status.code).not.toBe(2);
  });

  it('streams: identical chunk sequence, TTFT, chunk count, assembled output and usage', async () => {
    const pieces = ['The ', 'answer ', 'is ', '4.'];
    server.script('/v1/chat/completions', chatStream(pieces, { usage: true }), chatStream(pieces, { usage: true }));
    const collect = async (c: OpenAI) => {
      const stream = await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
      const out: unknown[] = [];
      for await (const chunk of stream) out.push(chunk);
      return { out, stream };
    };
    const bare = await collect(client(false));
    const wrapped = await collect(client());
    expect(wrapped.out).toEqual(bare.out);
    expect(wrapped.stream.constructor).toBe(bare.stream.constructor);
    const span = capture.llmSpans()[0];
    expect(span?.attributes['gen_ai.request.stream']).toBe(true);
    expect(span?.attributes['sightline.stream.chunk_count']).toBe(bare.out.length);
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBe(50);
    expect(span?.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(20);
    expect(span?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'The answer is 4.' }], finish_reason: 'stop' }]);
    expect(span?.attributes['sightline.diagnostics']).toBeUndefined();
  });

  it('keeps the call\'s own start and end times, though the span is only made once the call ends', async () => {
    server.script('/v1/chat/completions', { ...chatStream(['a', 'b']), delayMs: 40 } as Parameters<FakeLlmServer['script']>[1]);
    const t0 = Date.now();
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const chunk of stream) void chunk;
    const elapsed = Date.now() - t0;
    const span = capture.llmSpans()[0];
    // Four events 40 ms apart: the span covers the whole call, and no more than it.
    expect(span?.durationMs).toBeGreaterThanOrEqual(100);
    expect(span?.durationMs).toBeLessThanOrEqual(elapsed + 1);
    expect(Number(span?.attributes['gen_ai.response.time_to_first_chunk'])).toBeGreaterThanOrEqual(0.035);
  });

  it('assembles a long stream read in batches: text and a tool call across batch boundaries, every chunk counted', async () => {
    const pieces = Array.from({ length: 600 }, (_, i) => `w${i} `);
    const args = Array.from({ length: 300 }, (_, i) => (i === 0 ? '{"q":"' : i === 299 ? 'z"}' : 'y'));
    server.script('/v1/chat/completions', chatStream(pieces, { usage: true, toolCall: { id: 'call_7', name: 'find', args } }));
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    let seen = 0;
    for await (const _ of stream) seen++;
    const span = capture.llmSpans()[0];
    expect(span?.attributes['sightline.stream.chunk_count']).toBe(seen);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(600);
    expect(span?.json('gen_ai.output.messages')).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: pieces.join('') }, { type: 'tool_call', id: 'call_7', name: 'find', arguments: args.join('') }],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('says so when a stream gives no usage, and assembles streamed tool calls', async () => {
    server.script('/v1/chat/completions', chatStream([], { toolCall: { id: 'call_9', name: 'lookup', args: ['{"q":', '"x"}'] } }));
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream) void _;
    const span = capture.llmSpans()[0];
    expect(JSON.parse(String(span?.attributes['sightline.diagnostics']))).toContain('stream_usage_missing');
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span?.json('gen_ai.output.messages')).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_9', name: 'lookup', arguments: '{"q":"x"}' }], finish_reason: 'tool_calls' },
    ]);
  });

  it('ends the span when the app breaks out of a stream early', async () => {
    server.script('/v1/chat/completions', chatStream(['a', 'b', 'c'], { usage: true }));
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream) break;
    const span = capture.llmSpans()[0];
    expect(JSON.parse(String(span?.attributes['sightline.diagnostics']))).toContain('stream_closed_early');
  });

  it('rethrows a 429 unchanged (class, message, status, headers) and marks the span', async () => {
    const script = () => openaiError(429, 'Rate limit reached for gpt-4o-mini', { 'retry-after': '2' });
    server.script('/v1/chat/completions', script(), script());
    const bare = await client(false).chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    const wrapped = await client().chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    expect(wrapped).toBeInstanceOf(OpenAI.RateLimitError);
    expect(wrapped?.constructor).toBe(bare?.constructor);
    expect((wrapped as Error).message).toBe((bare as Error).message);
    expect((wrapped as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((wrapped as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('2');
    const span = capture.llmSpans()[0];
    expect(span?.status.code).toBe(2);
    expect(span?.attributes['error.type']).toBe('429');
    expect(span?.attributes['http.response.status_code']).toBe(429);
  });

  it('rethrows a 500 unchanged', async () => {
    server.script('/v1/chat/completions', openaiError(500, 'upstream failed'));
    const err = await client().chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(capture.llmSpans()[0]?.attributes['error.type']).toBe('500');
  });

  it('surfaces an aborted stream as the same error the unwrapped client raises, after the same chunks', async () => {
    server.script('/v1/chat/completions', chatStream(['x', 'y', 'z'], { abortAfter: 2 }), chatStream(['x', 'y', 'z'], { abortAfter: 2 }));
    const run = async (c: OpenAI) => {
      const seen: unknown[] = [];
      try {
        for await (const chunk of await c.chat.completions.create({ model: 'm', messages, stream: true })) seen.push(chunk);
      } catch (e) {
        return { seen, err: e as Error };
      }
      return { seen, err: undefined };
    };
    const bare = await run(client(false));
    const wrapped = await run(client());
    expect(bare.err).toBeDefined();
    expect(wrapped.seen).toEqual(bare.seen);
    expect(wrapped.err?.constructor).toBe(bare.err?.constructor);
    expect(wrapped.err?.message).toBe(bare.err?.message);
    expect(capture.llmSpans()[0]?.status.code).toBe(2);
  });

  it('keeps what a failed stream delivered before its error: chunk count and partial answer', async () => {
    const head = (chatStream(['x']) as { events: Array<{ data: unknown }> }).events.slice(0, 2);
    server.script('/v1/chat/completions', { kind: 'sse', events: [...head, { data: { error: { message: 'overloaded', type: 'server_error' } } }] });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of await client().chat.completions.create({ model: 'm', messages, stream: true })) seen.push(chunk);
      })(),
    ).rejects.toThrow('overloaded');
    expect(seen).toHaveLength(2);
    const span = capture.llmSpans()[0];
    expect(span?.status.code).toBe(2);
    expect(span?.attributes['sightline.stream.chunk_count']).toBe(2);
    expect(span?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'x' }], finish_reason: '' }]);
  });

  it('traces chat.completions.parse through create, keeping the parsed result', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: '{"answer":4}' }));
    const res = await client().chat.completions.parse({
      model: 'gpt-4o-mini',
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object', properties: { answer: { type: 'number' } } } } },
    });
    expect(res.choices[0]?.message.parsed).toEqual({ answer: 4 });
    expect(capture.llmSpans()[0]?.attributes['gen_ai.output.type']).toBe('json');
  });

  it('numbers retries of the same logical call within one parent', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: 'x' }), chatCompletion({ content: 'y' }));
    await withContext({ sessionId: 'retry-session' }, async () => {
      await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
      await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    });
    const spans = capture.llmSpans();
    expect(spans.map((s) => s.attributes['sightline.attempt'])).toEqual([1, 2]);
    expect(spans[0]?.attributes['sightline.call.key']).toBe(spans[1]?.attributes['sightline.call.key']);
  });
});

describe('wrapOpenAI: responses and embeddings', () => {
  const response = {
    id: 'resp_1', object: 'response', created_at: 1, status: 'completed', model: 'gpt-4.1-mini', error: null, incomplete_details: null,
    output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello!', annotations: [] }] }],
    usage: { input_tokens: 10, output_tokens: 3, total_tokens: 13, input_tokens_details: { cached_tokens: 4 }, output_tokens_details: { reasoning_tokens: 1 } },
  };

  it('records responses.create', async () => {
    server.script('/v1/responses', { kind: 'json', body: response });
    const res = await client().responses.create({ model: 'gpt-4.1-mini', instructions: 'Be nice', input: 'Hi' });
    expect(res.output_text).toBe('Hello!');
    const span = capture.llmSpans()[0];
    expect(span?.attributes).toMatchObject({ 'gen_ai.response.id': 'resp_1', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_read.input_tokens': 4, 'gen_ai.usage.reasoning.output_tokens': 1 });
    expect(span?.json('gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'Be nice' }]);
    expect(span?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' }]);
  });

  it('records a streamed responses.create from its terminal event', async () => {
    server.script('/v1/responses', {
      kind: 'sse',
      done: false,
      events: [
        { event: 'response.created', data: { type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress', output: [], usage: null } } },
        { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hello!' } },
        { event: 'response.completed', data: { type: 'response.completed', sequence_number: 2, response } },
      ],
    });
    const stream = await client().responses.create({ model: 'gpt-4.1-mini', input: 'Hi', stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);
    const span = capture.llmSpans()[0];
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(3);
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
  });

  it('records embeddings.create without touching the returned vectors', async () => {
    server.script('/v1/embeddings', {
      kind: 'json',
      body: { object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }], usage: { prompt_tokens: 5, total_tokens: 5 } },
    });
    const res = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
    expect(res.data[0]?.embedding).toEqual([0.1, 0.2, 0.3]);
    const span = capture.llmSpans()[0];
    expect(span?.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 5, 'gen_ai.embeddings.dimension.count': 3 });
  });
});

describe('request fields', () => {
  it('copies own and inherited enumerable fields; anything else gives an empty object', () => {
    const base = { model: 'm', temperature: 0.5 };
    const spread = { ...base, stream: true, stream_options: { include_usage: true } };
    expect(requestFields(spread)).toEqual(spread);
    expect(requestFields(Object.create({ inherited: 1 }) as object)).toEqual({ inherited: 1 });
    const parsed = requestFields(JSON.parse('{"model":"m","__proto__":{"stream":true}}'));
    expect(parsed.stream).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(requestFields(undefined)).toEqual({});
    expect(requestFields('x')).toEqual({});
  });

  it('records the parameters of a request built by spreading, and passes the app\'s own object on', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: '4' }));
    const params = { model: 'gpt-4o-mini', messages };
    const body = { ...params, temperature: 0.3, max_completion_tokens: 40, max_tokens: 10, stop: 'END', n: 2 };
    await client().chat.completions.create(body);
    expect(server.requests.at(-1)?.body).toMatchObject({ temperature: 0.3, max_completion_tokens: 40, stop: 'END', n: 2 });
    expect(capture.llmSpans()[0]?.attributes).toMatchObject({
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 40,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.choice.count': 2,
    });
  });
});
