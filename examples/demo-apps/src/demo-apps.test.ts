import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { startSimulator, type RunningSimulator } from '@sightline/llm-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supportAssistant } from './apps/support-assistant.ts';
import { backfill, createClients, startTelemetry, type DemoClients, type DemoTelemetry } from './index.ts';
import { createRng } from './world.ts';

const DAY = 86_400_000;
let sim: RunningSimulator;
let telemetry: DemoTelemetry;
const memory = new InMemorySpanExporter();
const nowMs = Date.now();
let spans: ReadableSpan[] = [];
let result: Awaited<ReturnType<typeof backfill>>;
let clients: DemoClients;

beforeAll(async () => {
  sim = await startSimulator({ seed: 1, latency: 'realistic', timeScale: 0.01, faults: { rateLimit: 0.02, serverError: 0.01 } });
  telemetry = startTelemetry({ endpoint: 'http://127.0.0.1:9', exporter: memory });
  clients = createClients(
    { openaiBaseURL: sim.openaiBaseURL, openaiApiKey: 'sim', anthropicBaseURL: sim.anthropicBaseURL, anthropicApiKey: 'sim', simulated: true },
    { maxRetries: 2, timeoutMs: 20_000 },
  );
  result = await backfill({ clients, registry: telemetry.registry, days: 7, perDay: 24, seed: 3, nowMs, concurrency: 4 });
  await telemetry.flush();
  spans = memory.getFinishedSpans();
}, 120_000);

afterAll(async () => {
  await telemetry.shutdown();
  await sim.close();
});

const attr = (s: ReadableSpan, k: string) => s.attributes[k];
const service = (s: ReadableSpan) => String(s.resource.attributes['service.name']);
const startMs = (s: ReadableSpan) => hrTimeToMilliseconds(s.startTime);

describe('backfill through the real SDK and the simulator', () => {
  it('plays a week of traces across three services, placed in the past', () => {
    expect(result.traces).toBeGreaterThan(100);
    expect(new Set(spans.map(service))).toEqual(new Set(['resume-analyser', 'support-assistant', 'travel-agent']));
    for (const s of spans) {
      expect(startMs(s)).toBeGreaterThan(nowMs - 7 * DAY - 3_600_000);
      expect(startMs(s)).toBeLessThan(nowMs);
    }
    const days = new Set(spans.map((s) => Math.floor((nowMs - startMs(s)) / DAY)));
    expect(days.size).toBeGreaterThanOrEqual(7);
  });

  it('keeps every span inside its parent after moving and stretching the traces', () => {
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    let nested = 0;
    for (const s of spans) {
      const parent = s.parentSpanContext === undefined ? undefined : byId.get(s.parentSpanContext.spanId);
      if (parent === undefined) continue;
      expect(startMs(s), s.name).toBeGreaterThanOrEqual(startMs(parent));
      expect(hrTimeToMilliseconds(s.endTime), s.name).toBeLessThanOrEqual(hrTimeToMilliseconds(parent.endTime));
      nested++;
    }
    expect(nested).toBeGreaterThan(spans.length / 2);
  });

  it('stretches durations so LLM calls look like real ones', () => {
    const llm = spans.filter((s) => attr(s, 'gen_ai.operation.name') === 'chat' && s.status.code !== 2);
    const durations = llm.map((s) => hrTimeToMilliseconds(s.duration)).sort((a, b) => a - b);
    expect(durations[Math.floor(durations.length / 2)]).toBeGreaterThan(150);
  });

  it('records the prompt roll-out and the model switch of the resume analyser', () => {
    const extract = spans.filter((s) => attr(s, 'sightline.prompt.name') === 'resume-extract');
    const v1 = extract.filter((s) => attr(s, 'sightline.prompt.version') === 'v1');
    const v2 = extract.filter((s) => attr(s, 'sightline.prompt.version') === 'v2');
    expect(v1.length).toBeGreaterThan(0);
    expect(v2.length).toBeGreaterThan(0);
    expect(Math.max(...v1.map(startMs))).toBeLessThan(nowMs - 4 * DAY + 60_000);
    const models = new Set(extract.map((s) => attr(s, 'gen_ai.request.model')));
    expect(models).toEqual(new Set(['gpt-4o', 'gpt-4.1-mini']));
    // The switch shipped as a config version: each model's calls carry their own.
    const configs = new Set(extract.map((s) => `${attr(s, 'gen_ai.request.model')} ${attr(s, 'sightline.config.version')}`));
    expect(configs).toEqual(new Set(['gpt-4o extract-cfg-4', 'gpt-4.1-mini extract-cfg-5']));
    const statuses = new Set(extract.map((s) => attr(s, 'sightline.validation.status')));
    expect(statuses).toContain('passed');
    expect(statuses).toContain('failed');
  });

  it('records retrieval, tool and agent spans with users and sessions', () => {
    const retrieval = spans.find((s) => attr(s, 'gen_ai.operation.name') === 'retrieval');
    expect(Number(attr(retrieval as ReadableSpan, 'sightline.retrieval.count'))).toBe(3);
    const tools = new Set(spans.filter((s) => attr(s, 'gen_ai.operation.name') === 'execute_tool').map((s) => attr(s, 'gen_ai.tool.name')));
    expect(tools.has('search_flights') || tools.has('get_weather') || tools.has('find_hotels')).toBe(true);
    expect(spans.some((s) => attr(s, 'gen_ai.operation.name') === 'invoke_agent')).toBe(true);
    const users = new Set(spans.map((s) => attr(s, 'user.id') ?? attr(s, 'sightline.user.id')).filter(Boolean));
    expect(users.size).toBeGreaterThan(5);
    expect(spans.some((s) => attr(s, 'gen_ai.provider.name') === 'anthropic')).toBe(true);
  });
});

describe('the week\'s story', () => {
  it('plays the provider incident two days ago at 14:00 UTC as failed Claude calls', async () => {
    memory.reset();
    const day = new Date(nowMs - 2 * DAY);
    const atMs = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 14, 10);
    let failures = 0;
    for (let i = 0; i < 6; i++) {
      await supportAssistant
        .run({ clients, rng: createRng(100 + i), atMs, nowMs, register: (root) => telemetry.registry.shifted(root, 'support-assistant', atMs, 100) })
        .catch(() => failures++);
    }
    await telemetry.flush();
    const claude = memory.getFinishedSpans().filter((s) => attr(s, 'gen_ai.provider.name') === 'anthropic');
    expect(claude.filter((s) => s.name.startsWith('anthropic.'))).toEqual([]);
    expect(failures).toBeGreaterThan(0);
    expect(claude.filter((s) => s.status.code === 2).length).toBe(failures);
    expect(claude.every((s) => Math.abs(startMs(s) - atMs) < 60_000)).toBe(true);
  });

  it('runs on a single-model server (vLLM): one model for every call, lexical retrieval, no Claude', async () => {
    memory.reset();
    const single = createClients(
      { openaiBaseURL: sim.openaiBaseURL, openaiApiKey: 'sim', simulated: false, modelOverride: 'Qwen/Qwen2.5-0.5B-Instruct', embeddingModel: undefined },
      { maxRetries: 2, timeoutMs: 20_000 },
    );
    await supportAssistant.run({ clients: single, rng: createRng(5), atMs: nowMs, nowMs, register: (root) => telemetry.registry.live(root, 'support-assistant') });
    await telemetry.flush();
    const out = memory.getFinishedSpans();
    expect(out.some((s) => attr(s, 'gen_ai.operation.name') === 'embeddings')).toBe(false);
    expect(Number(attr(out.find((s) => attr(s, 'gen_ai.operation.name') === 'retrieval') as ReadableSpan, 'sightline.retrieval.count'))).toBe(3);
    const llm = out.filter((s) => attr(s, 'gen_ai.operation.name') === 'chat');
    expect(llm.length).toBeGreaterThan(0);
    expect(llm.every((s) => attr(s, 'gen_ai.request.model') === 'Qwen/Qwen2.5-0.5B-Instruct')).toBe(true);
  });
});
