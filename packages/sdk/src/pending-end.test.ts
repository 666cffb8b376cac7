import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PENDING_CALLS, pendingCount, recordValidation } from './pending-end.ts';
import { chatCompletion } from './test/fixtures.ts';
import { createTestCapture, type TestCapture } from './testing.ts';
import { wrapOpenAI } from './openai/wrap.ts';

let capture: TestCapture;
beforeAll(() => {
  capture = createTestCapture();
});
afterAll(async () => {
  await capture.dispose();
});

/**
 * The real client with a `fetch` that answers in memory, as apps stub it in their own tests: its
 * responses never wait on I/O, so a loop of awaited calls never lets the event loop turn.
 */
function stubbedClient(): OpenAI {
  let n = 0;
  const fetch = async (): Promise<Response> => {
    const scripted = chatCompletion({ content: `answer ${n++}` });
    return new Response(JSON.stringify(scripted.kind === 'json' ? scripted.body : null), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: 'http://llm.invalid/v1', maxRetries: 0, fetch }));
}

describe('finished calls waiting to be sealed', () => {
  it('stay bounded when the event loop never turns, and every call still gets its span', async () => {
    const client = stubbedClient();
    const calls = MAX_PENDING_CALLS + 500;
    let turned = false;
    setImmediate(() => (turned = true));
    for (let i = 0; i < calls; i++) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }] });
    }
    // The loop really never turned, so no sweep ran: only the cap kept the waiting calls down.
    expect(turned).toBe(false);
    expect(pendingCount()).toBe(MAX_PENDING_CALLS);

    const spans = capture.llmSpans();
    expect(spans).toHaveLength(calls);
    // Sealed in end order: the first calls were sealed by the cap, with their own content.
    expect(String(spans[0]?.attributes['gen_ai.input.messages'])).toContain('question 0');
    expect(String(spans[0]?.attributes['gen_ai.output.messages'])).toContain('answer 0');
    expect(String(spans[calls - 1]?.attributes['gen_ai.output.messages'])).toContain(`answer ${calls - 1}`);
    expect(pendingCount()).toBe(0);
    capture.reset();
  });

  it('records a validation that comes after the cap sealed its call on a child span', async () => {
    const client = stubbedClient();
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'first' }] });
    for (let i = 0; i < MAX_PENDING_CALLS; i++) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `filler ${i}` }] });
    }
    recordValidation({ success: false, error: new Error('missing field: total') }, first);

    const spans = capture.spans();
    const llm = spans.find((s) => String(s.attributes['gen_ai.input.messages']).includes('"first"'));
    const child = spans.find((s) => s.name === 'validation');
    expect(llm?.attributes['sightline.validation.status']).toBeUndefined();
    expect(child?.parentSpanId).toBe(llm?.spanId);
    expect(child?.attributes['sightline.validation.status']).toBe('failed');
    capture.reset();
  });
});
