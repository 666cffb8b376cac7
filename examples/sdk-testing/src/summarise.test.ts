import OpenAI from 'openai';
import { wrapOpenAI } from '@sightline/sdk';
import { createTestCapture, type TestCapture } from '@sightline/sdk/testing';
import { mainNextTo, runExampleMain } from '@sightline/example-smoke-harness';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { summariseTicket } from './summarise.ts';

/**
 * How to test LLM code with Sightline's testing helpers: no network, no server, no paid API. The
 * capture records the spans your code produces; the simulator plays the model (deterministically)
 * and can be told to misbehave for one request.
 */

let sim: RunningSimulator;
let capture: TestCapture;
let openai: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ seed: 21 });
  capture = createTestCapture();
  openai = wrapOpenAI(new OpenAI({ apiKey: 'test', baseURL: sim.openaiBaseURL }));
});
afterEach(() => capture.reset());
afterAll(async () => {
  await capture.dispose();
  await sim.close();
});

describe('summariseTicket', () => {
  it('returns a valid summary and records one passing, versioned LLM call', async () => {
    const summary = await summariseTicket(openai, 'The export button does nothing since Tuesday. Very frustrating!');
    expect(['positive', 'neutral', 'negative']).toContain(summary.sentiment);
    const [span] = capture.llmSpans();
    expect(capture.llmSpans()).toHaveLength(1);
    expect(span?.attributes['sightline.prompt.name']).toBe('ticket-summary');
    expect(span?.attributes['sightline.prompt.version']).toBe('v5');
    expect(span?.attributes['sightline.validation.status']).toBe('passed');
    expect(Number(span?.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
    // Prompts and outputs are captured as GenAI messages, ready to assert on.
    const output = span?.json<{ role: string; parts: { content?: string }[] }[]>('gen_ai.output.messages');
    expect(JSON.parse(output?.[0]?.parts[0]?.content ?? '{}')).toEqual(summary);
  });

  it('records the failed attempt when the model breaks the JSON, then succeeds on the retry', async () => {
    // A simulator whose structured answers break half the time (seeded, so the run is repeatable):
    // a marker would break every attempt, a fault rate lets retries succeed.
    const flaky = await startSimulator({ seed: 3, faults: { invalidJson: 0.5 } });
    try {
      const client = wrapOpenAI(new OpenAI({ apiKey: 'test', baseURL: flaky.openaiBaseURL }));
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        capture.reset();
        await summariseTicket(client, `Ticket ${i}: login loops back to the start page.`, 3).catch(() => undefined);
        outcomes.push(capture.llmSpans().map((s) => String(s.attributes['sightline.validation.status'])).join(','));
      }
      // Some tickets needed a retry: a failed attempt followed by a passing one, on separate spans.
      expect(outcomes.some((o) => o.startsWith('failed,') && o.endsWith('passed'))).toBe(true);
      expect(outcomes.some((o) => o === 'passed')).toBe(true);
    } finally {
      await flaky.close();
    }
  });

  it('gives up after its attempts and leaves a failed validation on each span', async () => {
    await expect(summariseTicket(openai, '[[scenario:invalid_json]] nothing works', 2)).rejects.toThrow(/no valid summary after 2 attempts/);
    expect(capture.llmSpans().map((s) => s.attributes['sightline.validation.status'])).toEqual(['failed', 'failed']);
    expect(capture.llmSpans().every((s) => String(s.attributes['sightline.validation.error']).length > 0)).toBe(true);
  });
});

describe('main.ts', () => {
  it('runs against the simulator and exports the validated call over OTLP', async () => {
    const run = await runExampleMain(mainNextTo(import.meta.dirname));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^summary: \{/m);
    expect(run.spans.find((s) => s.attributes['sightline.prompt.name'] === 'ticket-summary')?.attributes['sightline.validation.status']).toBe('passed');
  });
});
