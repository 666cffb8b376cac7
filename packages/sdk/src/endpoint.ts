import { SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { ReadableSpan, Span as SdkSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { reportInternal } from './diagnostics.ts';

/**
 * The endpoint a span serves: the name of its local root, the outermost span of its trace in this
 * process (an HTTP server span `POST /chat`, a `traceWorkflow('answer-ticket')`). The SDK writes it
 * on its spans (`sightline.endpoint`) because the root ends, and is exported, last: without it,
 * spend could be tied to its endpoint only once the whole trace is in.
 */

/** Each span with a parent in this process → its local root. Weak: spans come and go with their requests. */
const roots = new WeakMap<object, Span>();

/**
 * Wraps the SDK's span processor to note, as every span of the provider starts (the host's HTTP
 * server spans included when the SDK joins a host's provider), which local root it belongs to.
 */
export class RootTrackingProcessor implements SpanProcessor {
  constructor(readonly inner: SpanProcessor) {}

  onStart(span: SdkSpan, parentContext: Context): void {
    // Runs inside the host's startSpan for its own spans too: nothing may escape.
    try {
      const parent = trace.getSpan(parentContext);
      if (parent !== undefined && !parent.spanContext().isRemote) roots.set(span, roots.get(parent) ?? parent);
    } catch (err) {
      reportInternal('endpoint tracking', err);
    }
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

interface NamedSpan {
  name?: unknown;
  kind?: unknown;
  attributes?: Record<string, unknown>;
}

/**
 * The endpoint of a span about to start under `parent` in `ctx`, or undefined when the new span is
 * itself a local root (ingest names a root's endpoint after the root) or the root's name is unknown.
 */
export function endpointUnder(parent: Span | undefined, ctx: Context): string | undefined {
  if (parent === undefined || parent.spanContext().isRemote) return undefined;
  const root = (roots.get(parent) ?? parent) as NamedSpan;
  const name = root.name;
  if (typeof name !== 'string' || name === '') return undefined;
  if (root.kind === SpanKind.SERVER) {
    // An HTTP server span is named by its method until the response, when the HTTP instrumentation
    // appends the route the framework matched. The route is known already: the framework's
    // instrumentation put it in the request's RPC metadata. Name it as it will be named.
    const rpc = getRPCMetadata(ctx);
    const method = root.attributes?.['http.request.method'] ?? root.attributes?.['http.method'];
    if (rpc?.type === RPCType.HTTP && typeof rpc.route === 'string' && rpc.route !== '' && typeof method === 'string') return `${method} ${rpc.route}`;
  }
  return name;
}
