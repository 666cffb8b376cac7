import { TraceFlags, context, type Context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { dropCounters, reportInternal } from '../diagnostics.ts';

export interface BoundedProcessorOptions {
  /** Upper bound on the estimated bytes of spans waiting for export. */
  maxQueueBytes: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  /**
   * Export inside `suppressTracing` even through an untraced transport. For a host's own
   * OpenTelemetry SDK, whose instrumentations may see requests by other means than a wrapped
   * `request` (diagnostics channels): the host runs its context manager with async hooks on
   * already, so suppressing costs it nothing.
   */
  suppressTracing?: boolean;
}

/** A rough, cheap size of a span as it will travel: its string payload plus fixed overhead. */
export function estimateSpanBytes(span: ReadableSpan): number {
  let bytes = 256 + span.name.length;
  const attrs = span.attributes;
  for (const key in attrs) {
    const v = attrs[key];
    bytes += key.length + 8 + (typeof v === 'string' ? v.length : Array.isArray(v) ? v.length * 16 : 8);
  }
  return bytes + span.events.length * 128;
}

/**
 * An exporter whose requests no HTTP instrumentation records (it calls the unpatched `request`),
 * so exporting needs no suppress-tracing context. {@link SightlineProtoExporter} is one.
 */
export interface UntracedTransport {
  readonly untracedTransport: true;
}

function hasUntracedTransport(exporter: SpanExporter): boolean {
  return (exporter as Partial<UntracedTransport>).untracedTransport === true;
}

/**
 * A batch span processor with memory bounded by bytes rather than span count: a few 10 MB prompts
 * cannot exhaust the heap, and spans refused for memory are counted and reported, never silent.
 * Export results are counted the same way.
 *
 * It batches as OpenTelemetry's `BatchSpanProcessor` does (a batch when `maxExportBatchSize` spans
 * wait or `scheduledDelayMillis` after the first, one batch at a time, each bounded by
 * `exportTimeoutMillis`), with three differences. `forceFlush()` also waits for the batch already
 * being exported. A batch whose export times out is counted as failed and its bytes released. And
 * an exporter with an {@link UntracedTransport} is called as it is (unless `suppressTracing`), not inside
 * `context.with(suppressTracing(…))`: on Node 20 and 22 the first `context.with` under the
 * AsyncLocalStorage context manager turns on async hooks for every promise of the process, for
 * good: an app's whole cost of a wrapped ~2 KB `openai` call measured 1.32x (plain) and 1.20x
 * (streamed) that without them (bench/sdk-async-hooks.ts). An app that never sets a context of its
 * own thus never pays for them.
 */
export class BoundedBatchProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  // Estimated sizes of the queued spans, in queue order.
  private sizes: number[] = [];
  private queuedBytes = 0;
  private readonly maxQueueSize: number;
  private readonly suppress: boolean;
  private timer: NodeJS.Timeout | undefined;
  private exporting = false;
  private readonly inflight = new Set<Promise<void>>();
  private shutdownOnce: Promise<void> | undefined;

  constructor(private readonly exporter: SpanExporter, private readonly options: BoundedProcessorOptions) {
    // The byte budget is the binding limit; the count limit only guards against tiny-span floods.
    this.maxQueueSize = Math.max(options.maxExportBatchSize, 100_000);
    this.suppress = options.suppressTracing === true || !hasUntracedTransport(exporter);
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    try {
      if (this.shutdownOnce || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      const size = estimateSpanBytes(span);
      // Refused here, counted.
      if (this.queuedBytes + size > this.options.maxQueueBytes || this.queue.length >= this.maxQueueSize) {
        dropCounters.spansDroppedForMemory++;
        return;
      }
      this.queuedBytes += size;
      this.queue.push(span);
      this.sizes.push(size);
      this.schedule();
    } catch (err) {
      reportInternal('queueing a span for export', err);
    }
  }

  /** Exports every queued span and waits for every export under way, including the current batch. */
  async forceFlush(): Promise<void> {
    this.clearTimer();
    const batches: Promise<void>[] = [...this.inflight];
    while (this.queue.length > 0) batches.push(this.exportBatch());
    await Promise.all(batches);
  }

  shutdown(): Promise<void> {
    this.shutdownOnce ??= this.forceFlush().then(() => this.exporter.shutdown());
    return this.shutdownOnce;
  }

  /** Bytes of spans waiting for export (for tests and diagnostics). */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** A full batch goes now; a partial one when the delay since the first of it has passed. */
  private schedule(): void {
    if (this.exporting) return;
    if (this.queue.length >= this.options.maxExportBatchSize) {
      this.exportNext();
      return;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.exportNext();
      }, this.options.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  /** One batch at a time in the background, the next as soon as it is due. */
  private exportNext(): void {
    this.clearTimer();
    if (this.queue.length === 0) return;
    this.exporting = true;
    void this.exportBatch().then(() => {
      this.exporting = false;
      if (this.queue.length > 0 && !this.shutdownOnce) this.schedule();
    });
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Takes the next batch off the queue and exports it; settles (never rejects) once it is done. */
  private exportBatch(): Promise<void> {
    const n = Math.min(this.options.maxExportBatchSize, this.queue.length);
    const spans = this.queue.splice(0, n);
    const sizes = this.sizes.splice(0, n);
    let bytes = 0;
    for (const size of sizes) bytes += size;
    const task = new Promise<void>((resolve) => {
      let settled = false;
      const finish = (result: ExportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        this.queuedBytes = Math.max(0, this.queuedBytes - bytes);
        if (result.code !== ExportResultCode.SUCCESS) {
          dropCounters.exportFailures++;
          dropCounters.spansDroppedByExporter += spans.length;
          if (result.error) reportInternal('span export failed', result.error);
        }
        resolve();
      };
      const timeout = setTimeout(() => finish({ code: ExportResultCode.FAILED, error: new Error(`span export timed out after ${this.options.exportTimeoutMillis} ms`) }), this.options.exportTimeoutMillis);
      timeout.unref();
      const run = (): void => {
        try {
          this.exporter.export(spans, finish);
        } catch (err) {
          finish({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
        }
      };
      const ready = resourcesReady(spans);
      const start = (): void => {
        // Other exporters' requests must not be traced by the app's HTTP instrumentation.
        if (this.suppress) context.with(suppressTracing(context.active()), run);
        else run();
      };
      if (ready) ready.then(start, (err: unknown) => finish({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) }));
      else start();
    });
    this.inflight.add(task);
    void task.then(() => this.inflight.delete(task));
    return task;
  }
}

/** Resources still detecting attributes (a host provider's async detectors): wait for them first. */
function resourcesReady(spans: readonly ReadableSpan[]): Promise<unknown> | undefined {
  let pending: Promise<unknown>[] | undefined;
  for (const span of spans) {
    const resource = span.resource as { asyncAttributesPending?: boolean; waitForAsyncAttributes?: () => Promise<void> };
    if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) (pending ??= []).push(resource.waitForAsyncAttributes());
  }
  return pending && Promise.all(pending);
}
