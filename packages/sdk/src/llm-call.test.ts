import v8 from 'node:v8';
import vm from 'node:vm';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapOpenAI } from './openai/wrap.ts';
import { FakeLlmServer } from './test/fake-llm-server.ts';
import { chatCompletion, chatStream } from './test/fixtures.ts';
import { createTestCapture, type TestCapture } from './testing.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

describe('results the app never reads', () => {
  it('still ends the span of a call whose result was dropped unread, with a diagnostic', async () => {
    server.script('/v1/chat/completions', chatCompletion({ content: 'never read' }));
    // The app starts a call and drops its promise without awaiting it.
    (() => void openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }))();
    await sleep(100); // the response arrives; nothing parses it
    for (let i = 0; i < 60 && capture.llmSpans().length === 0; i++) {
      gc();
      await sleep(50);
    }
    const span = capture.llmSpans()[0];
    expect(span?.name).toBe('chat gpt-4o-mini');
    expect(JSON.parse(String(span?.attributes['sightline.diagnostics']))).toContain('result_not_consumed');
  });

  it('does not end a stream early when the promise that delivered it is collected', async () => {
    capture.reset();
    server.script('/v1/chat/completions', chatStream(['Hello', ' world']));
    // The app keeps the stream and drops the promise it came from (as `await` does).
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for (let i = 0; i < 10; i++) {
      gc();
      await sleep(20);
    }
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello world');
    const span = capture.llmSpans()[0];
    expect(span?.json('gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello world' }], finish_reason: 'stop' }]);
    expect(String(span?.attributes['sightline.diagnostics'] ?? '')).not.toContain('result_not_consumed');
  });
});

