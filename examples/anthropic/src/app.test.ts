import Anthropic from '@anthropic-ai/sdk';
import { wrapAnthropic } from '@sightline/sdk';
import { createTestCapture, type TestCapture } from '@sightline/sdk/testing';
import { mainNextTo, runExampleMain } from '@sightline/example-smoke-harness';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, askStreaming, askWithTools } from './app.ts';

let sim: RunningSimulator;
let capture: TestCapture;
let anthropic: Anthropic;

beforeAll(async () => {
  sim = await startSimulator({ seed: 6 });
  capture = createTestCapture();
  anthropic = wrapAnthropic(new Anthropic({ apiKey: 'sim', baseURL: sim.anthropicBaseURL }));
});
afterAll(async () => {
  await capture.dispose();
  await sim.close();
});

describe('anthropic example', () => {
  it('records a message with cache usage and the prompt version', async () => {
    capture.reset();
    const text = await ask(anthropic, 'Summarise the week');
    const [span] = capture.llmSpans();
    expect(text.length).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(span?.attributes['sightline.prompt.name']).toBe('team-assistant');
    const cached = Number(span?.attributes['gen_ai.usage.cache_read.input_tokens'] ?? 0) + Number(span?.attributes['gen_ai.usage.cache_creation.input_tokens'] ?? 0);
    expect(cached).toBeGreaterThan(0);
  });

  it('records a streamed message with its output tokens', async () => {
    capture.reset();
    const text = await askStreaming(anthropic, 'Three risks');
    const [span] = capture.llmSpans();
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(Math.ceil(text.length / 4));
  });

  it('puts tool spans between the LLM calls of one trace', async () => {
    capture.reset();
    await askWithTools(anthropic, 'Status of INC-4821?');
    const tool = capture.spans().find((s) => s.attributes['gen_ai.tool.name'] === 'lookup_incident');
    expect(tool).toBeDefined();
    expect(capture.llmSpans().length).toBeGreaterThanOrEqual(2);
    expect(new Set(capture.spans().map((s) => s.traceId)).size).toBe(1);
  });

  it('main.ts runs against the simulator and exports over OTLP', async () => {
    const run = await runExampleMain(mainNextTo(import.meta.dirname));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^tools: +\S/m);
    expect(run.spans.filter((s) => s.attributes['gen_ai.provider.name'] === 'anthropic').length).toBeGreaterThanOrEqual(4);
    expect(run.spans.every((s) => s.service === 'example-anthropic')).toBe(true);
    // One span per call: the client's own native spans must not double-count.
    expect(run.spans.filter((s) => s.name.startsWith('anthropic.'))).toEqual([]);
  });
});
