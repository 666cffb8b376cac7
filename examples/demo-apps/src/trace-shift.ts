import type { HrTime, Span } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, millisToHrTime, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SIGHTLINE_SCOPE_NAME } from '@sightline/sdk';

/** `gen_ai.response.time_to_first_chunk` is a duration in seconds: it stretches with the trace. */
const TTFT_KEY = 'gen_ai.response.time_to_first_chunk';

interface TracePlan {
  /** Epoch ms the trace really started at, on the fine clock (see {@link fineMs}). */
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

  /** Registers a live trace by its root span: real time, only the service is set. */
  live(root: Span, service: string): void {
    this.add(root.spanContext().traceId, { anchorMs: 0, targetMs: 0, dilation: 1, service, registeredAt: Date.now() });
  }

  /**
   * Registers a backfilled trace by its root span: the root's real start is moved to `targetMs`, and
   * everything after it lands `dilation` times further on.
   */
  shifted(root: Span, service: string, targetMs: number, dilation: number): void {
    const sdkRoot = root as Partial<ReadableSpan>;
    const anchorMs = sdkRoot.startTime !== undefined ? fineMs(root, sdkRoot.startTime) : performance.timeOrigin + performance.now();
    this.add(root.spanContext().traceId, { anchorMs, targetMs, dilation, service, registeredAt: Date.now() });
  }

  private add(traceId: string, plan: TracePlan): void {
    this.plans.set(traceId, plan);
    if (this.plans.size % 500 === 0) {
      const cutoff = Date.now() - PLAN_TTL_MS;
      for (const [id, p] of this.plans) if (p.registeredAt < cutoff) this.plans.delete(id);
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
    const move = (t: HrTime): HrTime => millisToHrTime(plan.targetMs + (fineMs(span, t) - plan.anchorMs) * plan.dilation);
    const startTime = move(span.startTime);
    const endTime = move(span.endTime);
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

/**
 * A span time on one sub-millisecond clock that all spans of a trace share. @sightline/sdk stamps its
 * spans that way already. The OTel SDK places other spans by their own `_performanceOffset` (Date.now()
 * minus the performance clock, read once when the span is created): whole milliseconds, so two spans
 * disagree by up to 1 ms. Stretched 100× that pushed children past their parents; taking each such
 * span's offset back out puts it on the performance clock, exactly. (A test fails if an OTel upgrade
 * renames the field; until then the SDK's own times are used.)
 */
function fineMs(span: object, t: HrTime): number {
  if ((span as Partial<ReadableSpan>).instrumentationScope?.name === SIGHTLINE_SCOPE_NAME) return hrTimeToMilliseconds(t);
  const offset = (span as { _performanceOffset?: unknown })._performanceOffset;
  return hrTimeToMilliseconds(t) - (typeof offset === 'number' ? offset : 0);
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
