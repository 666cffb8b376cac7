import { MAX_CONTENT_BYTES } from '@sightline/contracts';
import { createPriceBook } from '@sightline/pricing';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../ingest/decoded-span.ts';
import { resourceSpans, span } from './test-support.ts';
import { normaliseResourceSpans } from './index.ts';

const ctx = { projectId: 'p1', priceBook: createPriceBook() };
const chat = (attrs: Attributes) => ({
  'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini', ...attrs,
});
const rowOf = (attrs: Attributes, extra: Parameters<typeof span>[2] = {}) => {
  const { rows } = normaliseResourceSpans(resourceSpans([span('s', attrs, extra)]), ctx);
  const row = rows[0];
  if (!row) throw new Error('no row');
  return row;
};

describe('normaliser: rules', () => {
  it.each([
    ['rate limit', { 'error.type': '429', 'http.response.status_code': 429 }, 2, '', 'rate_limit'],
    ['5xx', { 'error.type': '503' }, 2, 'Service Unavailable', 'provider_5xx'],
    ['4xx', { 'error.type': 'BadRequestError', 'http.response.status_code': 400 }, 2, '', 'client_4xx'],
    ['timeout', { 'error.type': 'APIConnectionTimeoutError' }, 2, 'Request timed out.', 'timeout'],
    ['cancelled', { 'error.type': 'APIUserAbortError' }, 2, 'Request was aborted.', 'cancelled'],
    ['validation', { 'sightline.validation.status': 'failed' }, 0, '', 'validation'],
    ['other', {}, 2, 'boom', 'other'],
    ['ok', {}, 1, '', ''],
  ] as const)('failure class: %s', (_name, attrs, statusCode, statusMessage, expected) => {
    expect(rowOf(chat(attrs), { statusCode, statusMessage }).FailureClass).toBe(expected);
  });

  it('classes a failed tool span and an exception event', () => {
    expect(rowOf({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' }, { statusCode: 2 }).FailureClass).toBe('tool_error');
    const events = [{ timeUnixNano: '1', name: 'exception', attributes: { 'exception.type': 'RateLimitError', 'exception.message': '429 Too Many Requests' } }];
    const limited = rowOf(chat({ 'gen_ai.response.model': null }), { statusCode: 2, events });
    expect(limited.FailureClass).toBe('rate_limit');
    // a failed call carries no usage or response model, and is not flagged for it
    expect(limited.Diagnostics).toEqual([]);
    expect(limited.CostSource).toBe('');
  });

  it('clamps impossible counts and says so', () => {
    const row = rowOf(chat({ 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10, 'gen_ai.usage.cache_read.input_tokens': 150, 'gen_ai.usage.reasoning.output_tokens': 20 }));
    expect(row).toMatchObject({ InputTokens: 100, CacheReadTokens: 100, OutputTokens: 10, ReasoningTokens: 10 });
    expect(row.Diagnostics).toEqual(['usage.invalid: cached tokens > input tokens (clamped)', 'usage.invalid: reasoning tokens > output tokens (clamped)']);
    // all 100 input tokens cached: 100 × 75 + 10 × 600
    expect(row.CostNanos).toBe(13_500);
  });

  it('flags a stream without usage, and leaves its cost empty rather than $0 priced', () => {
    const row = rowOf(chat({ 'gen_ai.request.stream': true, 'sightline.diagnostics': '["stream_usage_missing"]' }));
    expect(row.Diagnostics).toEqual(['usage.missing: stream without include_usage']);
    expect(row).toMatchObject({ CostSource: '', CostNanos: 0 });
    expect(rowOf(chat({ 'gen_ai.response.model': null })).Diagnostics).toContain('model.missing: no response model');
  });

  it('marks an unpriced model and an explicit cost', () => {
    const unpriced = rowOf(chat({ 'gen_ai.request.model': 'sim-house-model', 'gen_ai.response.model': 'sim-house-model', 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 5 }));
    expect(unpriced).toMatchObject({ CostSource: 'unpriced', CostNanos: 0 });
    expect(unpriced.Diagnostics).toContain('cost.unpriced: no price for openai/sim-house-model');
    const explicit = rowOf(chat({ 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 5, 'sightline.cost.usd': 0.5 }));
    expect(explicit).toMatchObject({ CostSource: 'explicit', CostNanos: 500_000_000 });
    const bad = rowOf(chat({ 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 5, 'sightline.cost.usd': 'lots' }));
    // falls back to the table: 5 × 150 + 5 × 600
    expect(bad).toMatchObject({ CostSource: 'priced', CostNanos: 3750 });
    expect(bad.Diagnostics).toContain('cost.invalid: sightline.cost.usd is not a number between 0 and 1e6 (ignored)');
  });

  it('caps content at the byte limit on a character boundary', () => {
    const long = JSON.stringify([{ role: 'user', content: 'é'.repeat(200) }]);
    const { rows } = normaliseResourceSpans(resourceSpans([span('s', chat({ 'gen_ai.input.messages': long }))]), { ...ctx, maxContentBytes: 101 });
    const row = rows[0];
    expect(row?.ContentTruncated).toBe(1);
    expect(Buffer.byteLength(row?.InputContent ?? '')).toBeLessThanOrEqual(101);
    expect(row?.InputContent.includes('\uFFFD')).toBe(false);
    expect(row?.Diagnostics).toContain('content.truncated: input over the size cap');
    expect(MAX_CONTENT_BYTES).toBeGreaterThan(101);
    // cut by the SDK already: only a cut content attribute marks the row
    expect(rowOf(chat({ 'gen_ai.input.messages': '[]', 'sightline.truncated': 'gen_ai.input.messages' })).ContentTruncated).toBe(1);
    expect(rowOf(chat({ 'gen_ai.input.messages': '[]', 'sightline.truncated': 'sightline.prompt.variables' })).ContentTruncated).toBe(0);
  });

  it('keeps bracketed content text as sent and turns plain text into a JSON string', () => {
    const messages = ' [{"role":"user","content":"Hi \\"there\\""}]\n';
    expect(rowOf(chat({ 'gen_ai.input.messages': messages })).InputContent).toBe(messages);
    expect(rowOf({ 'input.value': 'What is [x]?', 'openinference.span.kind': 'LLM' }).InputContent).toBe('"What is [x]?"');
    // Not parsed: a bracketed text that is not JSON is stored as it came (the viewer shows it as text).
    expect(rowOf({ 'input.value': '[draft] {notes}', 'openinference.span.kind': 'LLM' }).InputContent).toBe('"[draft] {notes}"');
    expect(rowOf({ 'input.value': '[x] y [z]', 'openinference.span.kind': 'LLM' }).InputContent).toBe('[x] y [z]');
    // A prompt cut by the SDK mid-JSON no longer ends in its bracket: kept whole, as a string.
    expect(rowOf(chat({ 'gen_ai.input.messages': '[{"role":"user","content":"Hi' })).InputContent).toBe(JSON.stringify('[{"role":"user","content":"Hi'));
    // System instructions still join the messages as one parsed list.
    const joined = rowOf(chat({ 'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]', 'gen_ai.input.messages': '[{"role":"user","parts":[]}]' }));
    expect(JSON.parse(joined.InputContent)).toEqual([{ role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] }, { role: 'user', parts: [] }]);
  });

  it('computes durations from nanosecond texts exactly, without BigInt', () => {
    expect(rowOf(chat({}), { startTimeUnixNano: '1761998400123456789', endTimeUnixNano: '1761998401123456790' }).Duration).toBe(1_000_000_001);
    expect(rowOf(chat({}), { startTimeUnixNano: '999999999', endTimeUnixNano: '1000000001' }).Duration).toBe(2);
    expect(rowOf(chat({}), { startTimeUnixNano: '0000000000000000005', endTimeUnixNano: '10' }).Duration).toBe(5);
  });

  it('rejects bad spans alone and keeps the rest of the batch', () => {
    const good = span('ok', {}, { parentSpanId: '0000000000000000' });
    const badTrace = span('bad', {}, { traceId: 'xyz' });
    const zeroSpan = span('zero', {}, { spanId: '0000000000000000' });
    const backwards = span('back', {}, { startTimeUnixNano: '2000', endTimeUnixNano: '1000' });
    const far = span('far', {}, { endTimeUnixNano: '9999999999999999999' });
    const out = normaliseResourceSpans(resourceSpans([good, badTrace, zeroSpan, backwards, far]), ctx);
    expect(out.rows.map((r) => [r.SpanName, r.ParentSpanId])).toEqual([['ok', '']]);
    expect(out.rejected).toEqual([
      { spanId: badTrace.spanId, reason: 'invalid trace id "xyz"' },
      { spanId: '0000000000000000', reason: 'invalid span id "0000000000000000"' },
      { spanId: backwards.spanId, reason: 'end time before start time' },
      { spanId: far.spanId, reason: 'start or end time out of range' },
    ]);
  });

  it('prices a self-hosted model by GPU time from the span duration', () => {
    const book = createPriceBook({
      overrides: [{ id: 'g', kind: 'gpu_hour', provider: '*', model: 'Qwen/Qwen2.5-7B-Instruct', effectiveFrom: '2025-01-01T00:00:00.000Z', hourlyUsd: 1.8, concurrency: 4 }],
    });
    const { rows } = normaliseResourceSpans(resourceSpans([span('s', chat({ 'gen_ai.request.model': 'Qwen/Qwen2.5-7B-Instruct', 'gen_ai.response.model': 'Qwen/Qwen2.5-7B-Instruct' }))]), { ...ctx, priceBook: book });
    // 1500 ms × 1_800_000_000 nano/h ÷ (3_600_000 × 4) = 187_500 — priced even without token counts
    expect(rows[0]).toMatchObject({ CostSource: 'priced', CostNanos: 187_500 });
    const measured = normaliseResourceSpans(resourceSpans([span('s', chat({ 'gen_ai.request.model': 'Qwen/Qwen2.5-7B-Instruct', 'gen_ai.response.model': 'Qwen/Qwen2.5-7B-Instruct', 'sightline.gpu.seconds': 0.8 }))]), { ...ctx, priceBook: book });
    // GPU seconds sent by the app win over wall time: 800 ms × 1_800_000_000 ÷ (3_600_000 × 4) = 100_000
    expect(measured.rows[0]).toMatchObject({ CostSource: 'priced', CostNanos: 100_000 });
  });
});
