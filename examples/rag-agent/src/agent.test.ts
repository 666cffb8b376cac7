import OpenAI from 'openai';
import { wrapOpenAI } from '@sightline/sdk';
import { createTestCapture, type TestCapture } from '@sightline/sdk/testing';
import { mainNextTo, runExampleMain } from '@sightline/example-smoke-harness';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, HANDBOOK } from './agent.ts';
import { VectorStore } from './vector-store.ts';

let sim: RunningSimulator;
let capture: TestCapture;
let openai: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ seed: 12 });
  capture = createTestCapture();
  openai = wrapOpenAI(new OpenAI({ apiKey: 'sim', baseURL: sim.openaiBaseURL }));
});
afterAll(async () => {
  await capture.dispose();
  await sim.close();
});

describe('rag-agent example', () => {
  it('traces the agent with tool, retrieval and LLM spans in one tree', async () => {
    const store = new VectorStore(openai);
    await store.add(HANDBOOK);
    capture.reset();
    // The marker makes the simulated model call a tool first, whatever the seed says.
    const text = await answer(openai, store, '[[scenario:tool_call]] days off for on-call weekends?', { id: 'dev-42', session: 's-1' });
    expect(text.length).toBeGreaterThan(0);
    const spans = capture.spans();
    const agent = spans.find((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
    const tools = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
    expect(agent).toBeDefined();
    expect(tools.length).toBeGreaterThan(0);
    for (const t of tools) expect(t.parentSpanId).toBe(agent?.spanId);
    for (const s of capture.llmSpans()) expect(s.traceId).toBe(agent?.traceId);
    // The simulator is seeded: with this seed and question the model searches the handbook.
    const search = tools.find((t) => t.attributes['gen_ai.tool.name'] === 'search_docs');
    expect(search).toBeDefined();
    const retrieval = spans.find((s) => s.parentSpanId === search?.spanId && s.attributes['gen_ai.operation.name'] === 'retrieval');
    expect(retrieval?.attributes['sightline.retrieval.count']).toBe(3);
    expect(retrieval?.json<{ id: string }[]>('sightline.retrieval.documents')?.every((d) => d.id.startsWith('hb-'))).toBe(true);
  });

  it('main.ts runs against the simulator and exports over OTLP', async () => {
    const run = await runExampleMain(mainNextTo(import.meta.dirname));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^answer: /m);
    expect(run.spans.some((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent')).toBe(true);
    expect(run.spans.some((s) => s.attributes['gen_ai.operation.name'] === 'embeddings')).toBe(true);
  });
});
