import Anthropic from '@anthropic-ai/sdk';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { wrapAnthropic } from './anthropic/wrap.ts';
import { flush, init, shutdown } from './init.ts';
import { wrapOpenAI } from './openai/wrap.ts';
import { FakeLlmServer } from './test/fake-llm-server.ts';
import { anthropicMessage, anthropicStream, chatCompletion, chatStream } from './test/fixtures.ts';

// Clients that trace themselves once a global provider exists (@anthropic-ai/sdk ≥ 1.x) must not
// yield a second LLM span per call next to the wrapper's: that would double calls and cost.

let server: FakeLlmServer;
const memory = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });

beforeAll(async () => {
  server = await FakeLlmServer.start();
  provider.register(); // as an app running the OpenTelemetry SDK does (W3C propagator included)
  // The SDK joins the host provider, so its spans land in `memory` next to the clients' own.
  init({ flushOnExit: false, exporter: { export: (_s, cb) => cb({ code: 0 }), shutdown: async () => undefined } });
});
afterAll(async () => {
  await shutdown();
  await provider.shutdown();
  await server.close();
});
afterEach(() => {
  memory.reset();
  server.requests.length = 0;
});

const request = { model: 'claude-fake-1', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hi' }] };
const anthropic = () => new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 0 });

async function llmSpans() {
  await flush();
  return memory.getFinishedSpans().filter((s) => s.attributes['gen_ai.operation.name'] === 'chat' || s.name.startsWith('anthropic.messages'));
}

describe('a self-tracing Anthropic client', () => {
  it('emits its own chat span when unwrapped (what the wrapper has to prevent)', async () => {
    server.script('/v1/messages', anthropicMessage({ text: 'a' }));
    await anthropic().messages.create(request);
    expect((await llmSpans()).map((s) => s.name)).toEqual(['anthropic.messages.create']);
  });

  it('yields exactly one LLM span per wrapped call, plain, streamed and through messages.stream()', async () => {
    const client = wrapAnthropic(anthropic());
    server.script('/v1/messages', anthropicMessage({ text: 'a' }), anthropicStream(['x', 'y']), anthropicStream(['z']));
    await client.messages.create(request);
    for await (const e of await client.messages.create({ ...request, stream: true })) void e;
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'z' });
    const spans = await llmSpans();
    expect(spans.map((s) => s.name)).toEqual(['chat claude-fake-1', 'chat claude-fake-1', 'chat claude-fake-1']);
    expect(spans.every((s) => s.attributes['gen_ai.usage.output_tokens'] !== undefined)).toBe(true);
  });

  it('still propagates the trace context of our span to the API', async () => {
    const client = wrapAnthropic(anthropic());
    server.script('/v1/messages', anthropicMessage({ text: 'a' }));
    await client.messages.create(request);
    const span = (await llmSpans()).find((s) => s.name === 'chat claude-fake-1');
    const { traceId, spanId } = span?.spanContext() ?? {};
    expect(server.requests[0]?.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('keeps the client spans of methods the wrapper does not record', async () => {
    const client = wrapAnthropic(anthropic());
    server.script('/v1/messages/count_tokens', { kind: 'json', body: { input_tokens: 3 } });
    await client.messages.countTokens(request);
    await flush();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['anthropic.messages.count_tokens']);
  });
});

describe('the openai client', () => {
  it('does not trace itself (6.x): one LLM span per wrapped call, plain and streamed', async () => {
    const client = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 }));
    server.script('/v1/chat/completions', chatCompletion({ content: 'a' }), chatStream(['x'], { usage: true }));
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    for await (const c of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true })) void c;
    expect((await flush(), memory.getFinishedSpans().map((s) => s.name))).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
  });
});
