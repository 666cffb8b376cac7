import OpenAI from 'openai';
import { wrapOpenAI } from '@sightline/sdk';
import { createTestCapture, type TestCapture } from '@sightline/sdk/testing';
import { mainNextTo, runExampleMain } from '@sightline/example-smoke-harness';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, rawCompletion, rawCompletionStream, type VllmTarget } from './app.ts';

let sim: RunningSimulator;
let capture: TestCapture;
let target: VllmTarget;

beforeAll(async () => {
  sim = await startSimulator({ seed: 8 });
  capture = createTestCapture();
  target = { baseUrl: sim.url, model: 'Qwen/Qwen2.5-0.5B-Instruct' };
});
afterAll(async () => {
  await capture.dispose();
  await sim.close();
});

describe('vllm example', () => {
  it('records chat through the OpenAI client as provider vllm', async () => {
    capture.reset();
    const openai = wrapOpenAI(new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY' }), { provider: 'vllm' });
    await chat(openai, target, 'hello');
    expect(capture.llmSpans()[0]?.attributes['gen_ai.provider.name']).toBe('vllm');
  });

  it('records a raw /v1/completions call through traceLLM with usage and output', async () => {
    capture.reset();
    const text = await rawCompletion(target, 'The capital of France is', 12);
    const [span] = capture.llmSpans();
    expect(span?.attributes['gen_ai.operation.name']).toBe('text_completion');
    expect(span?.attributes['gen_ai.provider.name']).toBe('vllm');
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(Math.ceil(text.length / 4));
    expect(Number(span?.attributes['gen_ai.usage.output_tokens'])).toBeLessThanOrEqual(12);
    expect(span?.attributes['gen_ai.response.id']).toMatch(/^cmpl-/);
  });

  it('records a streamed raw completion with time to first chunk', async () => {
    capture.reset();
    const text = await rawCompletionStream(target, 'Once upon a time', 40);
    const [span] = capture.llmSpans();
    expect(text.length).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(Math.ceil(text.length / 4));
  });

  it('records a failed call as an error span and rethrows', async () => {
    capture.reset();
    await expect(rawCompletion({ ...target, model: '' }, 'x')).rejects.toThrow(/vLLM answered 400/);
    expect(capture.llmSpans()[0]?.status.code).toBe(2);
  });

  it('main.ts runs against the simulator and exports over OTLP', async () => {
    const run = await runExampleMain(mainNextTo(import.meta.dirname));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^streamed: +\S/m);
    const ops = run.spans.map((s) => s.attributes['gen_ai.operation.name']);
    expect(ops.filter((o) => o === 'text_completion')).toHaveLength(2);
    expect(run.spans.every((s) => s.attributes['gen_ai.provider.name'] === 'vllm')).toBe(true);
  });
});
