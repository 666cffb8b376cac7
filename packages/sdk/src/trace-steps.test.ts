import { SpanKind, context, trace } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordValidation } from './pending-end.ts';
import { sdkTracer } from './settings.ts';
import { withContext, withPrompt } from './scope.ts';
import { FakeLlmServer } from './test/fake-llm-server.ts';
import { chatCompletion } from './test/fixtures.ts';
import { createTestCapture, type TestCapture } from './testing.ts';
import { traceLLM } from './trace-llm.ts';
import { traceAgent, traceRetrieval, traceTool, traceWorkflow } from './trace-steps.ts';
import { wrapOpenAI } from './openai/wrap.ts';

let server: FakeLlmServer;
let capture: TestCapture;
let openai: OpenAI;

beforeAll(async () => {
  server = await FakeLlmServer.start();
  capture = createTestCapture();
  openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 }));
});
afterAll(async () => {
  await capture.dispose();
  await server.close();
});
afterEach(() => capture.reset());

describe('one request, one trace', () => {
  it('puts workflow, agent, retrieval, tool and LLM spans under one trace id across awaits', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: 'done' }));
    await traceWorkflow('answer', () =>
      traceAgent('helper', async () => {
        const docs = await traceRetrieval('refund policy', async () => {
          await new Promise((r) => setTimeout(r, 5));
          return [{ id: 'doc-1', score: 0.91 }, [{ metadata: { id: 'doc-2' } }, 0.5]];
        });
        const weather = await traceTool('get_weather', async () => ({ tempC: 21 }), { arguments: { city: 'Oslo' }, callId: 'call_1' });
        await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: JSON.stringify({ docs, weather }) }] });
      }),
    );
    const spans = capture.spans();
    expect(spans).toHaveLength(5);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const byName = (n: string) => spans.find((s) => s.name === n);
    const workflow = byName('answer');
    const agent = byName('invoke_agent helper');
    expect(agent?.parentSpanId).toBe(workflow?.spanId);
    for (const child of ['retrieval', 'execute_tool get_weather', 'chat gpt-4o-mini']) expect(byName(child)?.parentSpanId).toBe(agent?.spanId);
    expect(byName('retrieval')?.attributes).toMatchObject({ 'sightline.retrieval.query': 'refund policy', 'sightline.retrieval.count': 2 });
    expect(byName('retrieval')?.json('sightline.retrieval.documents')).toEqual([{ id: 'doc-1', score: 0.91 }, { id: 'doc-2', score: 0.5 }]);
    expect(byName('execute_tool get_weather')?.attributes).toMatchObject({
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.call.arguments': '{"city":"Oslo"}',
      'gen_ai.tool.call.result': '{"tempC":21}',
    });
  });

  it("names every span's endpoint after its local root, so spend per endpoint adds up before the root ends", async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: 'a' }));
    server.script('/v1/chat/completions', chatCompletion({ content: 'b' }));
    await traceWorkflow('answer-ticket', () =>
      traceAgent('helper', async () => {
        await traceTool('lookup', async () => 1);
        await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      }),
    );
    // A call outside any span is its own root: ingest names it after itself.
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'alone' }] });
    const endpoints = Object.fromEntries(capture.spans().map((s) => [s.name, s.attributes['sightline.endpoint']]));
    expect(endpoints).toEqual({
      'answer-ticket': undefined,
      'invoke_agent helper': 'answer-ticket',
      'execute_tool lookup': 'answer-ticket',
      'chat gpt-4o-mini': undefined,
    });
    expect(capture.llmSpans().map((s) => s.attributes['sightline.endpoint'])).toEqual(['answer-ticket', undefined]);
  });

  it("takes an HTTP server span's route from the request's RPC metadata, as its final name will read", async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: 'routed' }));
    // What the HTTP instrumentation and a framework's (express, fastify) do for a request: a server
    // span named by its method, and the matched route in the context's RPC metadata.
    const serverSpan = sdkTracer().startSpan('POST', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST' } });
    const requestCtx = setRPCMetadata(trace.setSpan(context.active(), serverSpan), { type: RPCType.HTTP, route: '/chat/:id', span: serverSpan });
    await context.with(requestCtx, () => traceTool('auth', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })));
    serverSpan.end();
    expect(capture.llmSpans()[0]?.attributes['sightline.endpoint']).toBe('POST /chat/:id');
    expect(capture.find('execute_tool auth')?.attributes['sightline.endpoint']).toBe('POST /chat/:id');
    // A remote parent (a request from another service) makes the call this process's root.
    server.script('/v1/chat/completions', chatCompletion({ content: 'remote' }));
    const remote = trace.setSpanContext(context.active(), { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true });
    await context.with(remote, () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y' }] }));
    expect(capture.llmSpans()[1]?.attributes['sightline.endpoint']).toBeUndefined();
  });

  it('keeps sync functions sync and rethrows errors untouched', () => {
    expect(traceTool('add', () => 1 + 1)).toBe(2);
    const boom = new RangeError('bad');
    expect(() => traceWorkflow('w', () => { throw boom; })).toThrow(boom);
    const w = capture.find('w');
    expect(w?.status.code).toBe(2);
    expect(w?.attributes['error.type']).toBe('RangeError');
  });

  it('returns the same promise object and rejection', async () => {
    const p = Promise.reject(new TypeError('nope'));
    const returned = traceAgent('a', () => p);
    expect(returned).toBe(p);
    await expect(returned).rejects.toThrow('nope');
  });
});

describe('span times', () => {
  // Each step starts within µs of the previous one's end: without one shared clock, OpenTelemetry's
  // millisecond stamps drew ~half of these tool calls after the model call that followed them.
  it('keep the order of steps that follow each other within a millisecond', async () => {
    const ns = (t: readonly [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
    await traceWorkflow('steps', async () => {
      for (let i = 0; i < 20; i++) {
        server.script('/v1/chat/completions', chatCompletion({ content: 'ok' }));
        traceTool('first', () => i);
        traceTool('second', () => i);
        await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      }
    });
    const spans = capture.spans().filter((s) => s.name !== 'steps');
    spans.sort((a, b) => (ns(a.raw.startTime) < ns(b.raw.startTime) ? -1 : 1));
    // In start order the spans go first, second, model call, 20 times over, each ending before the next starts.
    expect(spans.map((s) => s.name)).toEqual(Array.from({ length: 20 }, () => ['execute_tool first', 'execute_tool second', 'chat gpt-4o-mini']).flat());
    for (let i = 1; i < spans.length; i++) {
      expect(ns(spans[i]!.raw.startTime)).toBeGreaterThanOrEqual(ns(spans[i - 1]!.raw.endTime));
    }
  });
});

describe('traceLLM', () => {
  it('records a raw call with model, usage, output, context and prompt', async () => {
    const text = await withContext({ userId: 'u-7' }, () =>
      withPrompt({ name: 'summarise', version: 'v2', variables: { length: 'short' } }, () =>
        traceLLM({ model: 'llama-3.1-8b', provider: 'vllm', operation: 'text_completion', input: 'Summarise: ...' }, async (llm) => {
          llm.recordChunk();
          llm.setModel('meta-llama/Llama-3.1-8B-Instruct');
          llm.setUsage({ inputTokens: 9, outputTokens: 4 });
          llm.setOutput('A summary.');
          return 'A summary.';
        }),
      ),
    );
    expect(text).toBe('A summary.');
    const span = capture.llmSpans()[0];
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'vllm',
      'gen_ai.response.model': 'meta-llama/Llama-3.1-8B-Instruct',
      'gen_ai.usage.input_tokens': 9,
      'user.id': 'u-7',
      'sightline.prompt.name': 'summarise',
      'sightline.prompt.version': 'v2',
      'sightline.prompt.variables': '{"length":"short"}',
    });
    expect(span?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'A summary.' }] }]);
  });

  it('flags a call that never reported usage', async () => {
    await traceLLM({ model: 'local' }, async () => 'x');
    expect(JSON.parse(String(capture.llmSpans()[0]?.attributes['sightline.diagnostics']))).toContain('usage_missing');
  });
});

describe('recordValidation and attempts', () => {
  const Answer = z.object({ answer: z.number() });

  it('marks failed then passed validation on the LLM spans of a retry loop, with attempt numbers', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: '{"answer":"four"}' }), chatCompletion({ content: '{"answer":4}' }));
    await traceWorkflow('structured', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '2+2 as JSON' }] });
        const parsed = Answer.safeParse(JSON.parse(res.choices[0]?.message.content ?? 'null'));
        recordValidation(parsed);
        if (parsed.success) break;
      }
    });
    const llm = capture.llmSpans();
    expect(llm.map((s) => s.attributes['sightline.validation.status'])).toEqual(['failed', 'passed']);
    expect(llm.map((s) => s.attributes['sightline.attempt'])).toEqual([1, 2]);
    expect(String(llm[0]?.attributes['sightline.validation.error'])).toContain('answer');
  });

  it('finds the span by response object, and records late validation on a child span', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: '{}' }));
    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    capture.spans(); // ends pending spans, as the validation window would
    recordValidation({ success: false, error: new Error('missing answer') }, res);
    const child = capture.find('validation');
    expect(child?.attributes['sightline.validation.status']).toBe('failed');
    expect(child?.parentSpanId).toBe(capture.llmSpans()[0]?.spanId);
  });
});
