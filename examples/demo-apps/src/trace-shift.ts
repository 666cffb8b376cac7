import type { Context, HrTime, Span } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, millisToHrTime, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Span as SdkSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** `gen_ai.response.time_to_first_chunk` is a duration in seconds: it stretches with the trace. */
const TTFT_KEY = 'gen_ai.response.time_to_first_chunk';

/** The real start and end of a span on one fine clock (epoch ms, sub-millisecond). */
interface Stamp {
  start: number;
  /** Date.now() when the span started: what the SDK itself takes as the start of a span given none. */
  startDate: number;
  end?: number;
}

interface TracePlan {
  /** Epoch ms the trace really started at (the OTel clock: timeOrigin + performance.now()). */
  anchorMs: number;
  /** Epoch ms the trace should appear to start at. */
  targetMs: number;
  /** Stretch factor of durations: the backfill runs 100× faster than the history it records. */
  dilation: number;
  service: string;
  registeredAt: number;
}

// LLM spans can leave the process after their root (they wait for recordValidation), so plans are kept
// for a while rather than dropped when the root is exported.
const PLAN_TTL_MS = 5 * 60_000;

/**
 * Where each demo trace belongs: which service sent it and, for backfilled history, when it happened.
 * The demo apps register a trace as soon as its root span exists; the exporter reads the plan when the
 * spans leave the process.
 */
export class TraceRegistry {
  private readonly plans = new Map<string, TracePlan>();
  private readonly stamps = new Map<string, Stamp>();

  /** Registers a live trace by its root span: real time, only the service is set. */
  live(root: Span, service: string): void {
    this.add(root.spanContext().traceId, { anchorMs: 0, targetMs: 0, dilation: 1, service, registeredAt: Date.now() });
  }

  /**
   * Registers a backfilled trace by its root span: the root's real start is moved to `targetMs`, and
   * everything after it lands `dilation` times further on.
   */
  shifted(root: Span, service: string, targetMs: number, dilation: number): void {
    const anchorMs = this.stamps.get(root.spanContext().spanId)?.start ?? fineNow();
    this.add(root.spanContext().traceId, { anchorMs, targetMs, dilation, service, registeredAt: Date.now() });
  }

  /** {@link DemoClockProcessor}: a span started. */
  stampStart(spanId: string): void {
    this.stamps.set(spanId, { start: fineNow(), startDate: Date.now() });
  }

  /** {@link DemoClockProcessor}: a span ended; only spans of backfilled traces keep their stamp. */
  stampEnd(traceId: string, spanId: string): void {
    const stamp = this.stamps.get(spanId);
    if (stamp === undefined) return;
    const plan = this.plans.get(traceId);
    if (plan === undefined || (plan.dilation === 1 && plan.targetMs === 0)) this.stamps.delete(spanId);
    else stamp.end = fineNow();
  }

  /** The exporter takes a span's stamp once, when it moves the span. */
  takeStamp(spanId: string): Stamp | undefined {
    const stamp = this.stamps.get(spanId);
    this.stamps.delete(spanId);
    return stamp;
  }

  private add(traceId: string, plan: TracePlan): void {
    this.plans.set(traceId, plan);
    if (this.plans.size % 500 === 0) {
      const cutoff = Date.now() - PLAN_TTL_MS;
      for (const [id, p] of this.plans) if (p.registeredAt < cutoff) this.plans.delete(id);
      // A span that never ended (or never left the process) would otherwise keep its stamp forever.
      for (const [id, st] of this.stamps) if (st.start < cutoff) this.stamps.delete(id);
    }
  }

  get(traceId: string): TracePlan | undefined {
    return this.plans.get(traceId);
  }

  get size(): number {
    return this.plans.size;
  }
}

/**
 * Wraps the real exporter: moves backfilled spans to their place in history (stretching durations,
 * event times and TTFT by the trace's dilation so nesting is kept) and gives each span the resource of
 * the demo service that produced it, so one process can play several services.
 */
export class DemoSpanExporter implements SpanExporter {
  private readonly resources = new Map<string, Resource>();

  constructor(
    private readonly inner: SpanExporter,
    private readonly registry: TraceRegistry,
    private readonly resourceAttributes: (service: string) => Record<string, string>,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let shifted: ReadableSpan[];
    try {
      shifted = spans.map((s) => this.rewrite(s));
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    this.inner.export(shifted, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private resourceFor(service: string, base: Resource): Resource {
    let r = this.resources.get(service);
    if (r === undefined) {
      // One Resource object per service (the OTLP encoder groups spans by resource identity), keeping
      // what the SDK put on its own resource (SDK name and version) under the service's attributes.
      r = base.merge(resourceFromAttributes(this.resourceAttributes(service)));
      this.resources.set(service, r);
    }
    return r;
  }

  private rewrite(span: ReadableSpan): ReadableSpan {
    const plan = this.registry.get(span.spanContext().traceId);
    if (plan === undefined) return span;
    const resource = this.resourceFor(plan.service, span.resource);
    if (plan.dilation === 1 && plan.targetMs === 0) return withFields(span, { resource });
    // The SDK starts each span at Date.now() (whole milliseconds) and ends it by the performance clock, so
    // two spans' times disagree by up to 1 ms; stretched 100× that would push a child past its parent.
    // The stamps taken on one fine clock keep nesting exact. They describe the span only when the SDK
    // chose its start itself (Date.now() at creation: whole milliseconds, the moment of the stamp, give or
    // take a busy event loop); a span given an explicit start (a performance.now() reading, or a moment
    // well before its creation) keeps the SDK's times.
    const stamp = this.registry.takeStamp(span.spanContext().spanId);
    const sdkStart = hrTimeToMilliseconds(span.startTime);
    const fits = (st: Stamp | undefined): st is Required<Stamp> =>
      st?.end !== undefined && span.startTime[1] % 1_000_000 === 0 && Math.abs(st.startDate - sdkStart) <= 1000;
    const fine = fits(stamp) ? stamp : undefined;
    const real = (t: HrTime): number => (fine !== undefined ? fine.start + (hrTimeToMilliseconds(t) - sdkStart) : hrTimeToMilliseconds(t));
    const move = (t: HrTime): HrTime => millisToHrTime(plan.targetMs + (real(t) - plan.anchorMs) * plan.dilation);
    const startTime = move(span.startTime);
    const endTime = fine !== undefined ? millisToHrTime(plan.targetMs + (fine.end - plan.anchorMs) * plan.dilation) : move(span.endTime);
    const attributes = { ...span.attributes };
    const ttft = attributes[TTFT_KEY];
    if (typeof ttft === 'number') attributes[TTFT_KEY] = ttft * plan.dilation;
    return withFields(span, {
      resource,
      startTime,
      endTime,
      duration: millisToHrTime(hrTimeToMilliseconds(endTime) - hrTimeToMilliseconds(startTime)),
      attributes,
      events: span.events.map((e) => ({ ...e, time: move(e.time) })),
    });
  }
}

function fineNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Stamps every span's real start and end on one fine clock for {@link DemoSpanExporter}, then hands the
 * span on. Put it in front of the processor that exports.
 */
export class DemoClockProcessor implements SpanProcessor {
  constructor(
    private readonly registry: TraceRegistry,
    private readonly inner: SpanProcessor,
  ) {}

  onStart(span: SdkSpan, parentContext: Context): void {
    this.registry.stampStart(span.spanContext().spanId);
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.registry.stampEnd(span.spanContext().traceId, span.spanContext().spanId);
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

function withFields(span: ReadableSpan, fields: Partial<ReadableSpan>): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext !== undefined ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    ...fields,
  };
}
