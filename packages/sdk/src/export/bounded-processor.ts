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
  private readonly inner: BatchSpanProcessor;

  constructor(exporter: SpanExporter, private readonly options: BoundedProcessorOptions) {
    this.inner = new BatchSpanProcessor(new AccountingExporter(exporter, (spans, ok) => this.release(spans, ok)), {
      maxExportBatchSize: options.maxExportBatchSize,
      scheduledDelayMillis: options.scheduledDelayMillis,
      exportTimeoutMillis: options.exportTimeoutMillis,
      // The byte budget is the binding limit; the count limit only guards against tiny-span floods.
      maxQueueSize: Math.max(options.maxExportBatchSize, 100_000),
    });
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    try {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      const size = estimateSpanBytes(span);
      if (this.queuedBytes + size > this.options.maxQueueBytes) {
        dropCounters.spansDroppedForMemory++;
        return;
      }
      this.queuedBytes += size;
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
    // Sizes are recomputed rather than remembered per span: an ended span's attributes no longer
    // change, and a WeakMap entry per span costs the garbage collector more than the sum.
    for (const span of spans) this.queuedBytes -= estimateSpanBytes(span);
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
