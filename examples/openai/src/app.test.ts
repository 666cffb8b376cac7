import OpenAI from 'openai';
import { wrapOpenAI } from '@sightline/sdk';
import { createTestCapture, type TestCapture } from '@sightline/sdk/testing';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainChat, runExamples, streamingChat, toolCalling } from './app.ts';

let sim: RunningSimulator;
let capture: TestCapture;
let openai: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5 });
  capture = createTestCapture();
  openai = wrapOpenAI(new OpenAI({ apiKey: 'sim', baseURL: sim.openaiBaseURL }));
});
afterAll(async () => {
  await capture.dispose();
  await sim.close();
});

describe('openai example', () => {
  it('records a plain chat with its prompt version and usage', async () => {
    capture.reset();
    const text = await plainChat(openai, 'What is OpenTelemetry?');
    const [span] = capture.llmSpans();
    expect(text.length).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.request.model']).toBe('gpt-4o-mini');
    expect(span?.attributes['sightline.prompt.version']).toBe('2');
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(Math.ceil(text.length / 4));
  });

  it('records a streamed chat with time to first chunk and usage', async () => {
    capture.reset();
    const text = await streamingChat(openai, 'Name three rivers');
    const [span] = capture.llmSpans();
    expect(span?.attributes['gen_ai.request.stream']).toBe(true);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(Math.ceil(text.length / 4));
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
  });

  it('nests LLM calls and the tool span under one workflow', async () => {
    capture.reset();
    await toolCalling(openai, 'Umbrella in Lisbon?');
    const spans = capture.spans();
    const root = spans.find((s) => s.name === 'weather-question');
    const tool = spans.find((s) => s.attributes['gen_ai.tool.name'] === 'get_weather');
    expect(tool?.parentSpanId).toBe(root?.spanId);
    expect(tool?.json<{ tempC: number }>('gen_ai.tool.call.result')?.tempC).toBe(21);
    expect(capture.llmSpans().length).toBeGreaterThanOrEqual(2);
    expect(capture.llmSpans().every((s) => s.traceId === root?.traceId)).toBe(true);
  });

  it('runs the whole example with a user and session on every LLM span', async () => {
    capture.reset();
    const lines: string[] = [];
    await runExamples(openai, (l) => lines.push(l));
    expect(lines).toHaveLength(3);
    for (const s of capture.llmSpans()) {
      expect(s.attributes['user.id']).toBe('user-123');
      expect(s.attributes['session.id']).toBe('session-abc');
    }
  });
});
