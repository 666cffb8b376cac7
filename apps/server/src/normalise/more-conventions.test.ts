import { createPriceBook } from '@sightline/pricing';
import { describe, expect, it } from 'vitest';
import { resourceSpans, span } from './test-support.ts';
import { normaliseResourceSpans } from './index.ts';

const ctx = { projectId: 'p1', priceBook: createPriceBook() };
const rowsOf = (...spans: Parameters<typeof resourceSpans>[0]) => normaliseResourceSpans(resourceSpans(spans), ctx).rows;

describe('normaliser: more instrumentations', () => {
  it('OpenLLMetry OpenAI chat with a tool call, and an embedding', () => {
    const [chat, embed] = rowsOf(
      span('openai.chat', {
        'llm.request.type': 'chat', 'gen_ai.system': 'OpenAI', 'gen_ai.request.model': 'gpt-4.1-mini',
        'gen_ai.response.model': 'gpt-4.1-mini-2025-04-14', 'gen_ai.openai.api_base': 'https://api.openai.com/v1/',
        'gen_ai.usage.prompt_tokens': 220, 'gen_ai.usage.completion_tokens': 18, 'llm.usage.total_tokens': 238, 'llm.is_streaming': false,
        'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'Weather in Oslo?',
        'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.finish_reason': 'tool_calls',
        'gen_ai.completion.0.tool_calls.0.name': 'get_weather', 'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Oslo"}',
      }),
      span('openai.embeddings', {
        'llm.request.type': 'embedding', 'gen_ai.system': 'OpenAI', 'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.response.model': 'text-embedding-3-small', 'gen_ai.usage.prompt_tokens': 8, 'llm.usage.total_tokens': 8,
        'gen_ai.prompt.0.content': 'hello world',
      }),
    );
    expect(chat).toMatchObject({
      Convention: 'openllmetry', SpanClass: 'llm', OperationName: 'chat', Provider: 'openai', FinishReasons: ['tool_calls'],
      // 220 × 400 + 18 × 1600 = 88_000 + 28_800
      CostNanos: 116_800,
    });
    expect(JSON.parse(chat?.OutputContent ?? '')).toEqual([
      { role: 'assistant', finish_reason: 'tool_calls', tool_calls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
    ]);
    // 8 × 20
    expect(embed).toMatchObject({ SpanClass: 'embedding', OperationName: 'embeddings', InputTokens: 8, OutputTokens: 0, CostNanos: 160 });
  });

  it('deprecated GenAI on Bedrock with Anthropic counts (cache reported apart from input)', () => {
    const [row] = rowsOf(
      span('chat anthropic.claude-3-5-haiku', {
        'gen_ai.system': 'aws.bedrock', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
        'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.output_tokens': 10, 'gen_ai.usage.cache_read_input_tokens': 1000,
        'gen_ai.response.finish_reasons': ['end_turn'],
      }),
    );
    // input 20 + 1000; 20 × 800 + 1000 × 80 + 10 × 4000 = 16_000 + 80_000 + 40_000
    expect(row).toMatchObject({ Convention: 'otel-genai-deprecated', Provider: 'aws.bedrock', InputTokens: 1020, CacheReadTokens: 1000, CostNanos: 136_000 });
    expect(row?.Diagnostics).toEqual(['usage.adjusted: anthropic input excluded cache tokens (added)', 'model.missing: no response model']);
  });

  it('older GenAI prompt/completion events and Gemini thinking tokens', () => {
    const [row] = rowsOf(
      span('generate_content gemini-2.5-flash', {
        'gen_ai.system': 'gemini', 'gen_ai.operation.name': 'generate_content', 'gen_ai.request.model': 'gemini-2.5-flash',
        'gen_ai.response.model': 'gemini-2.5-flash', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.reasoning_tokens': 250,
      }, {
        events: [
          { timeUnixNano: '1', name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': '[{"role":"user","content":"Plan a trip"}]' } },
          { timeUnixNano: '2', name: 'gen_ai.content.completion', attributes: { 'gen_ai.completion': '[{"role":"model","content":"Day 1..."}]' } },
        ],
      }),
    );
    // 100 × 300 + (50 + 250 thinking) × 2500
    expect(row).toMatchObject({ Provider: 'gcp.gemini', SpanClass: 'llm', ReasoningTokens: 250, CostNanos: 780_000, InputContent: '[{"role":"user","content":"Plan a trip"}]' });
    expect(row?.Events.map((e) => e.Attributes)).toEqual([{}, {}]);
  });

  it('OpenInference retriever and embedding spans', () => {
    const [retriever, embedding] = rowsOf(
      span('retrieve', {
        'openinference.span.kind': 'RETRIEVER', 'input.value': 'refund policy',
        'retrieval.documents.0.document.id': 'doc-1', 'retrieval.documents.0.document.score': 0.92, 'retrieval.documents.0.document.content': 'Refunds within 30 days',
      }),
      span('embed', { 'openinference.span.kind': 'EMBEDDING', 'embedding.model_name': 'text-embedding-3-large', 'llm.token_count.prompt': 12, 'llm.provider': 'openai' }),
    );
    expect(retriever).toMatchObject({ SpanClass: 'retrieval', InputContent: '"refund policy"', CostSource: '' });
    expect(JSON.parse(retriever?.OutputContent ?? '')).toEqual([{ id: 'doc-1', score: 0.92, content: 'Refunds within 30 days' }]);
    // 12 × 130
    expect(embedding).toMatchObject({ SpanClass: 'embedding', RequestModel: 'text-embedding-3-large', CostNanos: 1560, CostSource: 'priced' });
  });
});
