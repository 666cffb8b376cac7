import { createPriceBook } from '@sightline/pricing';
import { describe, expect, it } from 'vitest';
import { resourceSpans, span } from './test-support.ts';
import { normaliseResourceSpans } from './index.ts';

const ctx = { projectId: 'p1', priceBook: createPriceBook() };
const one = (rs: Parameters<typeof normaliseResourceSpans>[0]) => {
  const out = normaliseResourceSpans(rs, ctx);
  expect(out.rejected).toEqual([]);
  return out.rows;
};

describe('normaliser: conventions', () => {
  it('our SDK (OpenAI chat with cached tokens)', () => {
    const input = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]);
    const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'On its way.' }], finish_reason: 'stop' }]);
    const [row] = one(resourceSpans([
      span('chat gpt-4o-mini', {
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'sightline.sdk.version': '0.1.0',
        'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 80, 'gen_ai.usage.cache_read.input_tokens': 1024,
        'gen_ai.usage.cache_creation.input_tokens': 0, 'gen_ai.usage.reasoning.output_tokens': 0,
        'gen_ai.input.messages': input, 'gen_ai.output.messages': output, 'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.response.time_to_first_chunk': 0.25, 'gen_ai.request.stream': true,
        'sightline.user.id': 'user-42', 'user.id': 'user-42', 'sightline.session.id': 'sess-7',
        'sightline.prompt.name': 'support-answer', 'sightline.prompt.version': '3', 'sightline.attempt': 2,
        'openai.response.service_tier': 'default',
      }),
    ]));
    expect(row).toMatchObject({
      Convention: 'sightline', SpanClass: 'llm', OperationName: 'chat', Provider: 'openai',
      RequestModel: 'gpt-4o-mini', ResponseModel: 'gpt-4o-mini-2024-07-18',
      InputTokens: 1200, OutputTokens: 80, CacheReadTokens: 1024, CacheWriteTokens: 0, ReasoningTokens: 0,
      TtftMs: 250, FinishReasons: ['stop'], UserId: 'user-42', SessionId: 'sess-7', PromptName: 'support-answer',
      PromptVersion: '3', Attempt: 2, ServiceTier: 'default', Environment: 'prod', AppVersion: '1.4.2', ServiceName: 'checkout-bot',
      InputContent: input, OutputContent: output, ContentTruncated: 0, FailureClass: '', Diagnostics: [],
      // (1200 - 1024) × 150 + 1024 × 75 + 80 × 600 = 26_400 + 76_800 + 48_000
      CostNanos: 151_200, CostSource: 'priced',
    });
    expect(row?.SpanAttributes['gen_ai.input.messages']).toBeUndefined();
    expect(row?.SpanAttributes['gen_ai.usage.input_tokens']).toBe('1200');
    expect(row?.SpanAttributes['gen_ai.response.finish_reasons']).toBe('["stop"]');
  });

  it('current OTel GenAI from Anthropic: input already includes the cache', () => {
    const [row] = one(resourceSpans([
      span('chat claude-3-5-haiku', {
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-3-5-haiku-latest',
        'gen_ai.response.model': 'claude-3-5-haiku-20241022', 'gen_ai.usage.input_tokens': 2100, 'gen_ai.usage.output_tokens': 50,
        'gen_ai.usage.cache_read.input_tokens': 2000,
      }),
    ]));
    // 100 × 800 + 2000 × 80 + 50 × 4000 = 80_000 + 160_000 + 200_000
    expect(row).toMatchObject({ Convention: 'otel-genai', InputTokens: 2100, CacheReadTokens: 2000, CostNanos: 440_000, Diagnostics: [] });
  });

  it('deprecated GenAI with per-message events', () => {
    const [row] = one(resourceSpans([
      span('chat gpt-4o', {
        'gen_ai.system': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.usage.prompt_tokens': 40, 'gen_ai.usage.completion_tokens': 9,
      }, {
        events: [
          { timeUnixNano: '1', name: 'gen_ai.system.message', attributes: { 'gen_ai.system': 'openai', content: 'Be brief.' } },
          { timeUnixNano: '2', name: 'gen_ai.user.message', attributes: { 'gen_ai.system': 'openai', content: 'Hi' } },
          { timeUnixNano: '3', name: 'gen_ai.choice', attributes: { index: 0, finish_reason: 'stop', message: '{"role":"assistant","content":"Hello"}' } },
        ],
      }),
    ]));
    expect(row).toMatchObject({ Convention: 'otel-genai-deprecated', SpanClass: 'llm', Provider: 'openai', InputTokens: 40, OutputTokens: 9 });
    expect(JSON.parse(row?.InputContent ?? '')).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]);
    expect(JSON.parse(row?.OutputContent ?? '')).toEqual([{ message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop', index: 0 }]);
    expect(row?.Events.map((e) => e.Attributes)).toEqual([{ 'gen_ai.system': 'openai' }, { 'gen_ai.system': 'openai' }, { index: '0', finish_reason: 'stop' }]);
    // 40 × 2500 + 9 × 10_000
    expect(row?.CostNanos).toBe(190_000);
  });

  it('OpenLLMetry Anthropic instrumentation and a workflow span', () => {
    const [llm, wf] = one(resourceSpans([
      span('anthropic.chat', {
        'gen_ai.system': 'Anthropic', 'llm.request.type': 'chat', 'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
        'gen_ai.response.model': 'claude-3-5-sonnet-20241022', 'gen_ai.usage.prompt_tokens': 3000, 'gen_ai.usage.completion_tokens': 200,
        'gen_ai.usage.cache_read_input_tokens': 2048, 'gen_ai.usage.cache_creation_input_tokens': 0, 'llm.usage.total_tokens': 3200,
        'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'Summarise the ticket',
        'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.content': 'Customer wants a refund.',
        'gen_ai.completion.0.finish_reason': 'end_turn', 'traceloop.association.properties.user_id': 'u-1',
      }),
      span('joke_workflow.workflow', {
        'traceloop.span.kind': 'workflow', 'traceloop.entity.name': 'joke_workflow',
        'traceloop.entity.input': '{"args":[],"kwargs":{"topic":"owls"}}', 'traceloop.entity.output': '"A joke"',
      }, { kind: 1 }),
    ], 'opentelemetry.instrumentation.anthropic'));
    expect(llm).toMatchObject({
      Convention: 'openllmetry', SpanClass: 'llm', OperationName: 'chat', Provider: 'anthropic', InputTokens: 3000,
      CacheReadTokens: 2048, OutputTokens: 200, FinishReasons: ['end_turn'], UserId: 'u-1',
      // 952 × 3000 + 2048 × 300 + 200 × 15_000 = 2_856_000 + 614_400 + 3_000_000
      CostNanos: 6_470_400,
    });
    expect(JSON.parse(llm?.InputContent ?? '')).toEqual([{ role: 'user', content: 'Summarise the ticket' }]);
    expect(Object.keys(llm?.SpanAttributes ?? {}).some((k) => k.startsWith('gen_ai.prompt.'))).toBe(false);
    expect(wf).toMatchObject({ Convention: 'openllmetry', SpanClass: 'workflow', InputContent: '{"args":[],"kwargs":{"topic":"owls"}}', CostSource: '' });
  });

  it('OpenInference OpenAI LLM and tool spans', () => {
    const [llm, tool] = one(resourceSpans([
      span('ChatCompletion', {
        'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-2024-08-06', 'llm.provider': 'openai', 'llm.system': 'openai',
        'llm.token_count.prompt': 500, 'llm.token_count.completion': 100, 'llm.token_count.total': 600,
        'llm.input_messages.0.message.role': 'system', 'llm.input_messages.0.message.content': 'You are terse.',
        'llm.input_messages.1.message.role': 'user', 'llm.input_messages.1.message.content': 'Weather?',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Oslo"}',
        'input.value': '{"messages":[]}', 'input.mime_type': 'application/json', 'output.value': '{"id":"x"}',
        'llm.invocation_parameters': '{"temperature":0}', 'user.id': 'u-2', 'session.id': 's-2',
      }),
      span('get_weather', { 'openinference.span.kind': 'TOOL', 'tool.name': 'get_weather', 'input.value': '{"city":"Oslo"}', 'output.value': 'sunny' }),
    ], 'openinference.instrumentation.openai'));
    expect(llm).toMatchObject({
      Convention: 'openinference', SpanClass: 'llm', OperationName: 'chat', Provider: 'openai', RequestModel: 'gpt-4o-2024-08-06',
      InputTokens: 500, OutputTokens: 100, UserId: 'u-2', SessionId: 's-2',
      // 500 × 2500 + 100 × 10_000
      CostNanos: 2_250_000, CostSource: 'priced',
    });
    expect(JSON.parse(llm?.InputContent ?? '')).toEqual([{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Weather?' }]);
    expect(JSON.parse(llm?.OutputContent ?? '')).toEqual([
      { role: 'assistant', tool_calls: [{ tool_call: { function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } } }] },
    ]);
    expect(llm?.SpanAttributes['input.value']).toBeUndefined();
    expect(tool).toMatchObject({ SpanClass: 'tool', ToolName: 'get_weather', InputContent: '{"city":"Oslo"}', OutputContent: '"sunny"', CostSource: '' });
  });

  it('Vercel AI SDK generateText: spend on the provider call only', () => {
    const meta = { 'ai.telemetry.functionId': 'answer', 'ai.telemetry.metadata.userId': 'u-9' };
    const [outer, inner] = one(resourceSpans([
      span('ai.generateText', {
        ...meta, 'ai.operationId': 'ai.generateText', 'operation.name': 'ai.generateText answer', 'ai.model.id': 'gpt-4o-mini',
        'ai.model.provider': 'openai.chat', 'ai.prompt': '{"prompt":"Hi"}', 'ai.response.text': 'Hello',
        'ai.usage.promptTokens': 30, 'ai.usage.completionTokens': 12,
      }, { kind: 1 }),
      span('ai.generateText.doGenerate', {
        ...meta, 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o-mini', 'ai.model.provider': 'openai.chat',
        'ai.prompt.messages': '[{"role":"user","content":[{"type":"text","text":"Hi"}]}]', 'ai.response.text': 'Hello',
        'ai.response.finishReason': 'stop', 'ai.usage.promptTokens': 30, 'ai.usage.completionTokens': 12,
        'gen_ai.system': 'openai.chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.output_tokens': 12, 'gen_ai.response.finish_reasons': ['stop'],
      }),
    ], 'ai'));
    expect(outer).toMatchObject({ Convention: 'vercel-ai', SpanClass: 'workflow', InputTokens: 0, CostNanos: 0, CostSource: '', UserId: 'u-9' });
    expect(inner).toMatchObject({
      Convention: 'vercel-ai', SpanClass: 'llm', Provider: 'openai', InputTokens: 30, OutputTokens: 12, FinishReasons: ['stop'],
      // 30 × 150 + 12 × 600
      CostNanos: 11_700, OutputContent: '[{"role":"assistant","content":"Hello"}]',
    });
  });

  it('Vercel AI SDK streamText on Anthropic: cache counts added to input', () => {
    const [row] = one(resourceSpans([
      span('ai.streamText.doStream', {
        'ai.operationId': 'ai.streamText.doStream', 'ai.model.id': 'claude-3-5-haiku-20241022', 'ai.model.provider': 'anthropic.messages',
        'ai.usage.inputTokens': 10, 'ai.usage.outputTokens': 5, 'ai.usage.cachedInputTokens': 2000,
        'ai.response.providerMetadata': '{"anthropic":{"cacheCreationInputTokens":500}}', 'ai.response.msToFirstChunk': 120,
      }),
    ]));
    // input 10 + 2000 + 500; 10 × 800 + 2000 × 80 + 500 × 1000 + 5 × 4000 = 8000 + 160_000 + 500_000 + 20_000
    expect(row).toMatchObject({ Provider: 'anthropic', InputTokens: 2510, CacheReadTokens: 2000, CacheWriteTokens: 500, CostNanos: 688_000, TtftMs: 120 });
    expect(row?.Diagnostics).toContain('usage.adjusted: anthropic input excluded cache tokens (added)');
  });

  it('our SDK tool and agent spans: known by the SDK scope, not as a deprecated convention', () => {
    const rows = one(resourceSpans([
      span('execute_tool search_flights', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_flights' }),
      span('invoke_agent planner', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' }),
      span('retrieval kb', { 'gen_ai.operation.name': 'retrieval', 'gen_ai.data_source.id': 'kb' }),
    ], '@sightline/sdk'));
    expect(rows.map((r) => [r.Convention, r.SpanClass])).toEqual([['sightline', 'tool'], ['sightline', 'agent'], ['sightline', 'retrieval']]);
  });

  it('current GenAI spans without a provider (tools, agents) are current, not deprecated', () => {
    const rows = one(resourceSpans([
      span('execute_tool get_weather', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'call_1' }),
      span('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' }, {
        events: [{ timeUnixNano: '1', name: 'gen_ai.client.inference.operation.details', attributes: {} }],
      }),
      // One deprecated marker is enough: older instrumentations wrote gen_ai.system instead of a provider.
      span('chat', { 'gen_ai.system': 'openai', 'gen_ai.operation.name': 'chat' }),
      span('chat', { 'gen_ai.request.model': 'gpt-4o' }, { events: [{ timeUnixNano: '1', name: 'gen_ai.user.message', attributes: {} }] }),
      span('chat', { 'gen_ai.prompt.0.content': 'Hi', 'gen_ai.request.model': 'gpt-4o' }),
    ], 'some-library'));
    expect(rows.map((r) => r.Convention)).toEqual(['otel-genai', 'otel-genai', 'otel-genai-deprecated', 'otel-genai-deprecated', 'otel-genai-deprecated']);
    expect(rows[0]?.SpanClass).toBe('tool');
  });

  it('stores spans of unknown libraries raw', () => {
    const [row] = one(resourceSpans([
      span('GET /health', { 'http.request.method': 'GET', codes: [200, 204], blob: new Uint8Array([1, 2, 3]), nested: { a: 1 }, empty: null }),
    ], 'custom', { 'deployment.environment': 'staging', 'deployment.environment.name': null }));
    expect(row).toMatchObject({ Convention: 'unknown', SpanClass: 'other', CostSource: '', Environment: 'staging', Diagnostics: [] });
    expect(row?.SpanAttributes).toEqual({ 'http.request.method': 'GET', codes: '[200,204]', blob: 'AQID', nested: '{"a":1}', empty: '' });
  });
});
