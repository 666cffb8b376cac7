import { createPriceBook } from '@sightline/pricing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributeValue, Attributes } from '../ingest/decoded-span.ts';
import { resourceSpans, span } from './test-support.ts';
import { normaliseResourceSpans } from './index.ts';

// Keys the normaliser reads, so random values land where parsing happens, plus arbitrary ones.
const KNOWN = [
  'gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.system', 'gen_ai.request.model', 'gen_ai.response.model',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.prompt.0.content', 'gen_ai.prompt.x.role',
  'gen_ai.completion.0.finish_reason', 'gen_ai.response.finish_reasons', 'gen_ai.response.time_to_first_chunk', 'llm.input_messages.0.message.content',
  'llm.token_count.prompt', 'openinference.span.kind', 'traceloop.span.kind', 'llm.request.type', 'ai.operationId', 'ai.model.provider',
  'ai.response.providerMetadata', 'ai.response.text', 'input.value', 'sightline.cost.usd', 'sightline.attempt', 'sightline.diagnostics',
  'sightline.span.class', 'error.type', 'http.response.status_code', 'openai.response.service_tier', 'sightline.retrieval.documents',
  'gen_ai.tool.call.arguments', '__proto__', 'constructor',
];

const leaf: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 8 }),
  fc.constantFrom('[', '{"a":', '[1,2]', '-5', '1e308', 'NaN', 'chat', 'LLM', 'anthropic', 'claude-3-5-haiku', 'ai.generateText.doGenerate'),
);
const value: fc.Arbitrary<AttributeValue> = fc.letrec<{ v: AttributeValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 })),
})).v;
const attrs: fc.Arbitrary<Attributes> = fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN), fc.string()), value, { maxKeys: 12 });

describe('normaliser: robustness', () => {
  it('never throws on arbitrary attribute maps and events', () => {
    const ctx = { projectId: 'p', priceBook: createPriceBook(), maxContentBytes: 64 };
    fc.assert(
      fc.property(attrs, attrs, fc.array(fc.record({ timeUnixNano: fc.constant('1'), name: fc.string(), attributes: attrs }), { maxLength: 3 }), fc.integer({ min: -1, max: 9 }), (a, resource, events, statusCode) => {
        const out = normaliseResourceSpans(resourceSpans([span('x', a, { events, statusCode })], 's', resource), ctx);
        expect(out.rows.length + out.rejected.length).toBe(1);
        for (const row of out.rows) {
          expect(Number.isSafeInteger(row.CostNanos) && row.CostNanos >= 0).toBe(true);
          expect(row.CacheReadTokens + row.CacheWriteTokens).toBeLessThanOrEqual(row.InputTokens);
          expect(row.ReasoningTokens).toBeLessThanOrEqual(row.OutputTokens);
          expect(Buffer.byteLength(row.InputContent)).toBeLessThanOrEqual(64);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
