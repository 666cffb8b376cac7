import type { Attributes, AttributeValue, Link, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { ProtoWriter } from './proto-writer.ts';

// OTLP ExportTraceServiceRequest, encoded straight from the SDK's spans (field numbers from
// opentelemetry-proto trace/v1, common/v1, resource/v1). Spans are grouped by resource and
// instrumentation scope exactly as the stock transformer groups them.

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** A value as OTLP `AnyValue`: anything an OTel attribute (or a resource's kvlist) may hold. */
type AnyInput = AttributeValue | null | undefined | Uint8Array | Record<string, unknown>;

function anyValueBody(w: ProtoWriter, v: AnyInput): void {
  switch (typeof v) {
    case 'string':
      w.stringField(1, v);
      if (v.length === 0) {
        // An empty string is still a string value: write the oneof explicitly.
        w.tag(1, 2);
        w.varint(0);
      }
      return;
    case 'boolean':
      w.tag(2, 0);
      w.varint(v ? 1 : 0);
      return;
    case 'number':
      if (Number.isSafeInteger(v)) {
        w.tag(3, 0);
        w.int64(v);
      } else {
        w.tag(4, 1);
        w.double(v);
      }
      return;
    case 'bigint':
      w.tag(3, 0);
      w.int64(Number(v));
      return;
    case 'object': {
      if (v === null) return;
      if (v instanceof Uint8Array) return w.bytesField(7, v);
      if (Array.isArray(v)) {
        const arr = w.fork(5, 3);
        for (const item of v) {
          const at = w.fork(1, 1);
          anyValueBody(w, item as AnyInput);
          w.join(at, 1);
        }
        return w.join(arr, 3);
      }
      const list = w.fork(6, 3);
      keyValues(w, 1, v as Record<string, unknown>);
      return w.join(list, 3);
    }
    default:
      return; // undefined, functions, symbols: an empty AnyValue, as the stock encoder leaves them
  }
}

function keyValues(w: ProtoWriter, field: number, attrs: Attributes | Record<string, unknown> | undefined): void {
  if (!attrs) return;
  for (const key in attrs) {
    const v = (attrs as Record<string, unknown>)[key];
    const kv = w.fork(field, 2);
    w.stringField(1, key);
    const av = w.fork(2, 2);
    anyValueBody(w, v as AnyInput);
    w.join(av, 2);
    w.join(kv, 2);
  }
}

function spanFlags(ctx: SpanContext, isRemote: boolean | undefined): number {
  return (ctx.traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

function event(w: ProtoWriter, e: TimedEvent): void {
  const at = w.fork(11, 2);
  w.hrTimeField(1, e.time);
  w.stringField(2, e.name);
  keyValues(w, 3, e.attributes);
  w.uintField(4, e.droppedAttributesCount ?? 0);
  w.join(at, 2);
}

function link(w: ProtoWriter, l: Link): void {
  const at = w.fork(13, 2);
  w.hexField(1, l.context.traceId, 16);
  w.hexField(2, l.context.spanId, 8);
  const ts = l.context.traceState?.serialize();
  if (ts) w.stringField(3, ts);
  keyValues(w, 4, l.attributes);
  w.uintField(5, l.droppedAttributesCount ?? 0);
  w.fixed32Field(6, spanFlags(l.context, l.context.isRemote));
  w.join(at, 2);
}

/** One `Span` message (field 2 of ScopeSpans). */
export function encodeSpan(w: ProtoWriter, span: ReadableSpan): void {
  const at = w.fork(2, 3);
  const ctx = span.spanContext();
  const parent = span.parentSpanContext;
  w.hexField(1, ctx.traceId, 16);
  w.hexField(2, ctx.spanId, 8);
  const ts = ctx.traceState?.serialize();
  if (ts) w.stringField(3, ts);
  if (parent?.spanId) w.hexField(4, parent.spanId, 8);
  w.stringField(5, span.name);
  w.uintField(6, span.kind == null ? 0 : span.kind + 1);
  w.hrTimeField(7, span.startTime);
  w.hrTimeField(8, span.endTime);
  keyValues(w, 9, span.attributes);
  w.uintField(10, span.droppedAttributesCount);
  for (const e of span.events) event(w, e);
  w.uintField(12, span.droppedEventsCount);
  for (const l of span.links) link(w, l);
  w.uintField(14, span.droppedLinksCount);
  const status = span.status;
  if (status.code !== 0 || status.message) {
    const st = w.fork(15, 1);
    if (status.message) w.stringField(2, status.message);
    w.uintField(3, status.code);
    w.join(st, 1);
  }
  w.fixed32Field(16, spanFlags(ctx, parent?.isRemote));
  w.join(at, 3);
}

// A resource rarely changes over a process's life: its encoding is cached per Resource object.
const resourceCache = new WeakMap<Resource, Buffer>();

function resourceBytes(resource: Resource): Buffer {
  let bytes = resourceCache.get(resource);
  if (!bytes) {
    const w = new ProtoWriter(1024);
    const at = w.fork(1, 2);
    keyValues(w, 1, resource.attributes as Record<string, unknown>);
    w.join(at, 2);
    bytes = Buffer.from(w.finish());
    // Pending async attributes may still change the resource: cache only a settled one.
    if (!resource.asyncAttributesPending) resourceCache.set(resource, bytes);
  }
  return bytes;
}

type ScopeGroups = Map<string, ReadableSpan[]>;

function group(spans: readonly ReadableSpan[]): Map<Resource, ScopeGroups> {
  const byResource = new Map<Resource, ScopeGroups>();
  for (const span of spans) {
    let scopes = byResource.get(span.resource);
    if (!scopes) byResource.set(span.resource, (scopes = new Map()));
    const s = span.instrumentationScope;
    const key = `${s.name}@${s.version ?? ''}:${s.schemaUrl ?? ''}`;
    const list = scopes.get(key);
    if (list) list.push(span);
    else scopes.set(key, [span]);
  }
  return byResource;
}

/**
 * Encodes `spans` as one OTLP `ExportTraceServiceRequest` into `w` (from its current position)
 * and returns the bytes, a view into the writer's buffer valid until its next use.
 */
export function encodeTraceRequest(spans: readonly ReadableSpan[], w: ProtoWriter = new ProtoWriter()): Buffer {
  const steps = encodeSteps(spans, w, Infinity);
  while (!steps.next().done) {
    // `Infinity` spans per step: one step, no pause.
  }
  return w.finish();
}

/**
 * {@link encodeTraceRequest} in slices of `spansPerSlice` spans, awaiting `pause()` between them,
 * so a large request never holds the event loop for its whole encode (~8 µs per 2 KB-content
 * span: 200 spans at once are a 1.6 ms stall). Same bytes. `w` must not be used meanwhile.
 */
export async function encodeTraceRequestInSlices(spans: readonly ReadableSpan[], w: ProtoWriter, spansPerSlice: number, pause: () => Promise<void>): Promise<Buffer> {
  const steps = encodeSteps(spans, w, spansPerSlice);
  while (!steps.next().done) await pause();
  return w.finish();
}

/** The encoder proper; yields after every `every` spans (nested lengths are offsets, so it can stop anywhere). */
function* encodeSteps(spans: readonly ReadableSpan[], w: ProtoWriter, every: number): Generator<void, void> {
  w.reset();
  let n = 0;
  for (const [resource, scopes] of group(spans)) {
    const rs = w.fork(1, 4);
    const res = resourceBytes(resource);
    w.ensure(res.length);
    res.copy(w.buf, w.pos);
    w.pos += res.length;
    for (const list of scopes.values()) {
      const first = list[0] as ReadableSpan;
      const ss = w.fork(2, 4);
      const scope = w.fork(1, 1);
      w.stringField(1, first.instrumentationScope.name);
      w.stringField(2, first.instrumentationScope.version ?? '');
      w.join(scope, 1);
      for (const span of list) {
        encodeSpan(w, span);
        if (++n % every === 0 && n < spans.length) yield;
      }
      w.stringField(3, first.instrumentationScope.schemaUrl ?? '');
      w.join(ss, 4);
    }
    w.stringField(3, resource.schemaUrl ?? '');
    w.join(rs, 4);
  }
}
