import http from 'node:http';
import { context, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, isTracingSuppressed, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropCounters } from '../diagnostics.ts';
import { OtlpSink } from '../test/otlp-sink.ts';
import { BoundedBatchProcessor, type BoundedProcessorOptions } from './bounded-processor.ts';
import { SightlineProtoExporter } from './otlp-proto-exporter.ts';

/** The AsyncLocalStorage manager apps get, counting the contexts entered through it. */
class CountingContextManager extends AsyncLocalStorageContextManager {
  entered = 0;
  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    this.entered++;
    return super.with(ctx, fn, thisArg, ...args);
  }
}

let manager: CountingContextManager;
let sink: OtlpSink;
beforeAll(async () => {
  context.disable();
  manager = new CountingContextManager();
  context.setGlobalContextManager(manager.enable());
  sink = await OtlpSink.start();
});
afterAll(async () => {
  context.disable();
  await sink.close();
});
afterEach(() => {
  sink.received.length = 0;
});

const OPTIONS: BoundedProcessorOptions = { maxQueueBytes: 1 << 24, maxExportBatchSize: 4, scheduledDelayMillis: 5, exportTimeoutMillis: 5_000 };

/** Ends `n` spans through `processor`, as a tracer provider would. */
function endSpans(processor: BoundedBatchProcessor, n: number): void {
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
  for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`, { attributes: { payload: 'p'.repeat(100) } }).end();
}

/** An exporter recording each batch and whether tracing was suppressed while it ran. */
function recordingExporter(untraced: boolean): SpanExporter & { batches: number[]; suppressed: boolean[] } {
  const exporter = {
    batches: [] as number[],
    suppressed: [] as boolean[],
    export(spans: ReadableSpan[], cb: (r: ExportResult) => void) {
      exporter.batches.push(spans.length);
      exporter.suppressed.push(isTracingSuppressed(context.active()));
      cb({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => undefined,
    ...(untraced ? { untracedTransport: true as const } : {}),
  };
  return exporter;
}

describe('BoundedBatchProcessor', () => {
  it('calls an exporter with an untraced transport without entering a context, any other inside suppressTracing', async () => {
    const ours = recordingExporter(true);
    const before = manager.entered;
    const processor = new BoundedBatchProcessor(ours, OPTIONS);
    endSpans(processor, 10);
    await processor.forceFlush();
    expect(ours.batches).toEqual([4, 4, 2]);
    expect(ours.suppressed).toEqual([false, false, false]);
    // No context entered: on Node 20 and 22 the first one turns on async hooks for every promise.
    expect(manager.entered - before).toBe(0);

    const other = recordingExporter(false);
    const stock = new BoundedBatchProcessor(other, OPTIONS);
    endSpans(stock, 5);
    await stock.forceFlush();
    expect(other.batches).toEqual([4, 1]);
    expect(other.suppressed).toEqual([true, true]);
    expect(manager.entered - before).toBe(2);
  });

  it("exports inside suppressTracing when told to (a host SDK's), even through an untraced transport", async () => {
    const ours = recordingExporter(true);
    const processor = new BoundedBatchProcessor(ours, { ...OPTIONS, suppressTracing: true });
    endSpans(processor, 4);
    await processor.forceFlush();
    expect(ours.suppressed).toEqual([true]);
  });

  it('exports a full batch at once and a partial one after the delay', async () => {
    const exporter = recordingExporter(true);
    const processor = new BoundedBatchProcessor(exporter, { ...OPTIONS, scheduledDelayMillis: 50 });
    endSpans(processor, 5);
    expect(exporter.batches).toEqual([4]);
    await new Promise((r) => setTimeout(r, 20));
    expect(exporter.batches).toEqual([4]);
    await new Promise((r) => setTimeout(r, 80));
    expect(exporter.batches).toEqual([4, 1]);
    expect(processor.pendingBytes).toBe(0);
  });

  it('waits in forceFlush for the batch already being exported', async () => {
    const held: Array<() => void> = [];
    const slow: SpanExporter = {
      export: (_spans, cb) => void held.push(() => cb({ code: ExportResultCode.SUCCESS })),
      shutdown: async () => undefined,
    };
    const processor = new BoundedBatchProcessor(slow, OPTIONS);
    endSpans(processor, 4); // a full batch: its export starts now
    expect(held).toHaveLength(1);
    let flushed = false;
    const flush = processor.forceFlush().then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(flushed).toBe(false);
    held[0]?.();
    await flush;
    expect(processor.pendingBytes).toBe(0);
  });

  it('counts a batch whose export never answers as failed after the timeout, and goes on with the next', async () => {
    let calls = 0;
    const silentOnce: SpanExporter = {
      export: (_spans, cb) => {
        if (calls++ > 0) cb({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => undefined,
    };
    const failures = dropCounters.exportFailures;
    const dropped = dropCounters.spansDroppedByExporter;
    const processor = new BoundedBatchProcessor(silentOnce, { ...OPTIONS, exportTimeoutMillis: 30 });
    endSpans(processor, 6);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(2);
    expect(dropCounters.exportFailures - failures).toBe(1);
    expect(dropCounters.spansDroppedByExporter - dropped).toBe(4);
    expect(processor.pendingBytes).toBe(0);
  });

  it('exports what is queued on shutdown, then shuts the exporter down, and takes no span after', async () => {
    const exporter = recordingExporter(true);
    let shut = false;
    exporter.shutdown = async () => void (shut = true);
    const processor = new BoundedBatchProcessor(exporter, { ...OPTIONS, scheduledDelayMillis: 60_000 });
    endSpans(processor, 3);
    await processor.shutdown();
    expect(exporter.batches).toEqual([3]);
    expect(shut).toBe(true);
    endSpans(processor, 2);
    await processor.forceFlush();
    expect(exporter.batches).toEqual([3]);
  });
});

describe('SightlineProtoExporter under HTTP instrumentation', () => {
  it('sends through the request function the instrumentation wrapped, never the wrapper', async () => {
    // What OpenTelemetry's HTTP instrumentation does to `http.request` (shimmer's wrap).
    const original = http.request;
    let traced = 0;
    const wrapper = Object.assign(
      function (this: unknown, ...args: Parameters<typeof http.request>) {
        traced++;
        return original.apply(this, args);
      },
      { __original: original, __wrapped: true },
    );
    http.request = wrapper as unknown as typeof http.request;
    try {
      const exporter = new SightlineProtoExporter({ url: `${sink.url}/v1/traces` });
      const processor = new BoundedBatchProcessor(exporter, OPTIONS);
      endSpans(processor, 3);
      await processor.shutdown();
      expect(sink.received).toHaveLength(1);
      expect(traced).toBe(0);
      // The app's own requests still go through the instrumentation.
      await new Promise<void>((resolve) => http.request(`${sink.url}/healthz`, (res) => res.resume().on('end', resolve)).on('error', () => resolve()).end());
      expect(traced).toBe(1);
    } finally {
      http.request = original;
    }
  });
});
