import { TraceFlags, type Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { dropCounters, reportInternal } from '../diagnostics.ts';

export interface BoundedProcessorOptions {
  /** Upper bound on the estimated bytes of spans waiting for export. */
  maxQueueBytes: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
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
 * A `BatchSpanProcessor` with memory bounded by bytes rather than span count: a few 10 MB prompts
 * cannot exhaust the heap, and spans refused for memory are counted and reported, never silent.
 * Export results are counted the same way.
 */
export class BoundedBatchProcessor implements SpanProcessor {
  private queuedBytes = 0;
  // Sizes of queued spans in queue order: the batch processor exports from the front, so a batch's
  // bytes are the next `spans.length` sizes. Cheaper than sizing each span again on release (by
  // then it is cold in memory) and than a WeakMap entry per span (work for every collection).
  private sizes: number[] = [];
  private head = 0;
  private readonly maxQueueSize: number;
  private readonly inner: BatchSpanProcessor;

  constructor(exporter: SpanExporter, private readonly options: BoundedProcessorOptions) {
    // The byte budget is the binding limit; the count limit only guards against tiny-span floods.
    this.maxQueueSize = Math.max(options.maxExportBatchSize, 100_000);
    this.inner = new BatchSpanProcessor(new AccountingExporter(exporter, (spans, ok) => this.release(spans, ok)), {
      maxExportBatchSize: options.maxExportBatchSize,
      scheduledDelayMillis: options.scheduledDelayMillis,
      exportTimeoutMillis: options.exportTimeoutMillis,
      maxQueueSize: this.maxQueueSize,
    });
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    try {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      const size = estimateSpanBytes(span);
      // Refused here, counted, before the batch processor's own count limit could drop it unseen.
      if (this.queuedBytes + size > this.options.maxQueueBytes || this.sizes.length - this.head >= this.maxQueueSize) {
        dropCounters.spansDroppedForMemory++;
        return;
      }
      this.queuedBytes += size;
      this.sizes.push(size);
      this.inner.onEnd(span);
    } catch (err) {
      reportInternal('queueing a span for export', err);
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  /** Bytes of spans waiting for export (for tests and diagnostics). */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  private release(spans: ReadableSpan[], ok: boolean): void {
    const end = Math.min(this.head + spans.length, this.sizes.length);
    for (let i = this.head; i < end; i++) this.queuedBytes -= this.sizes[i] as number;
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.sizes.length) {
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    if (this.queuedBytes < 0) this.queuedBytes = 0;
    if (!ok) {
      dropCounters.exportFailures++;
      dropCounters.spansDroppedByExporter += spans.length;
    }
  }
}

/** Forwards to the real exporter and reports each batch's outcome once. */
class AccountingExporter implements SpanExporter {
  constructor(
    private readonly exporter: SpanExporter,
    private readonly onDone: (spans: ReadableSpan[], ok: boolean) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let reported = false;
    const finish = (result: ExportResult): void => {
      if (!reported) {
        reported = true;
        this.onDone(spans, result.code === ExportResultCode.SUCCESS);
        if (result.code !== ExportResultCode.SUCCESS && result.error) reportInternal('span export failed', result.error);
      }
      resultCallback(result);
    };
    try {
      this.exporter.export(spans, finish);
    } catch (err) {
      finish({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}
