import { context, trace, type Attributes, type AttributeValue } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { RootTrackingProcessor } from './endpoint.ts';
import { ensureContextManager } from './otel-host.ts';
import { endAllPending } from './pending-end.ts';
import { settings, type RuntimeSettings } from './settings.ts';
import { SDK_NAME, SDK_VERSION } from './version.ts';

/** A finished span as captured in memory, with helpers for assertions. */
export interface CapturedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Attributes;
  status: { code: number; message?: string | undefined };
  events: Array<{ name: string; attributes: Attributes | undefined }>;
  durationMs: number;
  /** Parses a JSON attribute such as `gen_ai.output.messages`. */
  json<T = unknown>(key: string): T | undefined;
  raw: ReadableSpan;
}

/** The in-memory capture returned by {@link createTestCapture}. */
export interface TestCapture {
  /** Every span finished so far (spans waiting for validation are ended first). */
  spans(): CapturedSpan[];
  /** Spans whose `gen_ai.operation.name` is a model call (chat, text completion, embeddings). */
  llmSpans(): CapturedSpan[];
  /** Finds the first span with `name`, or the first with `attribute === value`. */
  find(name: string): CapturedSpan | undefined;
  attr(span: CapturedSpan, key: string): AttributeValue | undefined;
  reset(): void;
  /** Restores the settings in place before the capture. */
  dispose(): Promise<void>;
}

const MODEL_OPS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

/**
 * Captures the SDK's spans in memory, so your tests can assert on prompts, tokens and tool calls
 * without a network, a server or a paid API. Content options mirror `init()`.
 *
 * @example
 * ```ts
 * import { createTestCapture } from '@sightline/sdk/testing';
 * const capture = createTestCapture();
 * await myAgent.answer('hi');
 * expect(capture.llmSpans()[0]?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
 * await capture.dispose();
 * ```
 */
export function createTestCapture(options: { captureContent?: boolean; mask?: RuntimeSettings['content']['mask'] } = {}): TestCapture {
  ensureContextManager();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new RootTrackingProcessor(new SimpleSpanProcessor(exporter))] });
  const previous = { tracer: settings.tracer, content: settings.content };
  settings.tracer = provider.getTracer(SDK_NAME, SDK_VERSION);
  settings.content = { ...settings.content, capture: options.captureContent ?? true, mask: options.mask };
  const spans = (): CapturedSpan[] => {
    endAllPending();
    return exporter.getFinishedSpans().map(toCaptured);
  };
  return {
    spans,
    llmSpans: () => spans().filter((s) => MODEL_OPS.has(String(s.attributes['gen_ai.operation.name']))),
    find: (name) => spans().find((s) => s.name === name),
    attr: (span, key) => span.attributes[key],
    reset: () => {
      endAllPending();
      exporter.reset();
    },
    dispose: async () => {
      endAllPending();
      settings.tracer = previous.tracer;
      settings.content = previous.content;
      await provider.shutdown();
    },
  };
}

function toCaptured(s: ReadableSpan): CapturedSpan {
  return {
    name: s.name,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    attributes: s.attributes,
    status: s.status,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    durationMs: s.duration[0] * 1000 + s.duration[1] / 1e6,
    json: <T,>(key: string) => {
      const v = s.attributes[key];
      return typeof v === 'string' ? (JSON.parse(v) as T) : undefined;
    },
    raw: s,
  };
}

/**
 * The active trace id, for asserting that work shares one trace.
 *
 * @example
 * ```ts
 * await traceWorkflow('job', async () => { expect(activeTraceId()).toBe(capture.spans()[0]?.traceId); });
 * ```
 */
export function activeTraceId(): string | undefined {
  return trace.getSpan(context.active())?.spanContext().traceId;
}
