import { context, trace } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { DemoSpanExporter, TraceRegistry } from './trace-shift.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t: ReadableSpan['startTime']) => hrTimeToMilliseconds(t);

function setup() {
  const memory = new InMemorySpanExporter();
  const registry = new TraceRegistry();
  const exporter = new DemoSpanExporter(memory, registry, (service) => ({ 'service.name': service, 'deployment.environment.name': 'production' }));
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { memory, registry, tracer: provider.getTracer('test') };
}

describe('DemoSpanExporter', () => {
  it('moves a backfilled trace to its target time, stretching durations and TTFT, keeping nesting', async () => {
    const { memory, registry, tracer } = setup();
    const target = Date.now() - 3 * 86_400_000;
    const root = tracer.startSpan('root');
    registry.shifted(root, 'resume-analyser', target, 100);
    await sleep(10);
    const child = tracer.startSpan('llm', { attributes: { 'gen_ai.response.time_to_first_chunk': 0.005 } }, trace.setSpan(context.active(), root));
    child.addEvent('first chunk');
    await sleep(20);
    child.end();
    root.end();
    const [c, r] = memory.getFinishedSpans() as [ReadableSpan, ReadableSpan];
    expect(Math.abs(ms(r.startTime) - target)).toBeLessThan(1);
    const offset = ms(c.startTime) - ms(r.startTime);
    expect(offset).toBeGreaterThanOrEqual(900);
    expect(ms(c.endTime)).toBeLessThanOrEqual(ms(r.endTime));
    expect(ms(c.duration)).toBeCloseTo(ms(c.endTime) - ms(c.startTime), 3);
    expect(ms(c.duration)).toBeGreaterThanOrEqual(1900);
    expect(ms(c.events[0]?.time ?? [0, 0])).toBeGreaterThanOrEqual(ms(c.startTime));
    expect(c.attributes['gen_ai.response.time_to_first_chunk']).toBeCloseTo(0.5, 6);
    expect(c.resource.attributes['service.name']).toBe('resume-analyser');
    expect(c.resource).toBe(r.resource);
    expect(c.spanContext().traceId).toBe(r.spanContext().traceId);
  });

  it('keeps every child inside its parent after stretching, whatever the millisecond clock did', () => {
    // The SDK starts spans at Date.now() (whole ms) and ends them by the performance clock: stretched
    // 100×, that sub-millisecond disagreement used to push children past their parents now and then.
    const { memory, registry, tracer } = setup();
    for (let i = 0; i < 200; i++) {
      const root = tracer.startSpan('root');
      registry.shifted(root, 'resume-analyser', Date.now() - 86_400_000, 100);
      const ctx = trace.setSpan(context.active(), root);
      const child = tracer.startSpan('tool', {}, ctx);
      const grandchild = tracer.startSpan('llm', {}, trace.setSpan(ctx, child));
      grandchild.end();
      child.end();
      root.end();
    }
    const spans = memory.getFinishedSpans();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    let checked = 0;
    for (const s of spans) {
      const parent = s.parentSpanContext === undefined ? undefined : byId.get(s.parentSpanContext.spanId);
      if (parent === undefined) continue;
      expect(ms(s.startTime)).toBeGreaterThanOrEqual(ms(parent.startTime));
      expect(ms(s.endTime)).toBeLessThanOrEqual(ms(parent.endTime));
      checked++;
    }
    expect(checked).toBe(400);
  });

  it('keeps a span created late with a performance-clock start (as the SDK does for LLM calls) inside its parent', async () => {
    const { memory, registry, tracer } = setup();
    const realMs = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      const root = tracer.startSpan('root');
      registry.shifted(root, 'resume-analyser', Date.now() - 86_400_000, 100);
      const startedAt = performance.now();
      await sleep(1);
      const endedAt = performance.now();
      const llm = tracer.startSpan('llm', { startTime: startedAt }, trace.setSpan(context.active(), root));
      llm.end(endedAt);
      realMs.set(llm.spanContext().spanId, endedAt - startedAt);
      root.end();
    }
    const spans = memory.getFinishedSpans();
    const roots = new Map(spans.filter((s) => s.parentSpanContext === undefined).map((s) => [s.spanContext().traceId, s]));
    let checked = 0;
    for (const s of spans) {
      const parent = roots.get(s.spanContext().traceId);
      if (parent === undefined || parent === s) continue;
      expect(ms(s.startTime)).toBeGreaterThanOrEqual(ms(parent.startTime));
      expect(ms(s.endTime)).toBeLessThanOrEqual(ms(parent.endTime));
      expect(ms(s.duration)).toBeCloseTo((realMs.get(s.spanContext().spanId) ?? NaN) * 100, 1);
      checked++;
    }
    expect(checked).toBe(50);
  });

  it('only renames the service of a live trace, and leaves unknown traces alone', () => {
    const { memory, registry, tracer } = setup();
    const live = tracer.startSpan('live');
    registry.live(live, 'travel-agent');
    const before = Date.now();
    live.end();
    const other = tracer.startSpan('other');
    other.end();
    const [l, o] = memory.getFinishedSpans() as [ReadableSpan, ReadableSpan];
    expect(l.resource.attributes['service.name']).toBe('travel-agent');
    expect(Math.abs(ms(l.endTime) - before)).toBeLessThan(1000);
    expect(o.resource.attributes['service.name']).not.toBe('travel-agent');
  });
});
