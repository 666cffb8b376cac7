import { SpanKind, SpanStatusCode, TraceFlags, context, trace, createTraceState, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { attrs, decodeTraceRequest, hex, type DecodedSpan } from '../test/otlp-oracle.ts';
import { encodeTraceRequest, encodeTraceRequestInSlices } from './otlp-proto-encode.ts';
import { ProtoWriter } from './proto-writer.ts';

// Every span is encoded by the SDK's writer and decoded by protobufjs reflection over the OTLP
// .proto, an implementation that shares no code with the encoder.

const BIG = 'x'.repeat(3 * 1024 * 1024);
const UNICODE = 'héllo wörld — 日本語のテキスト 🚀🧪 e\u0301 \u0000 end';
const ATTRS: Attributes = {
  str: 'plain',
  empty: '',
  unicode: UNICODE,
  long: 'é'.repeat(5000),
  // Lengths whose worst-case length prefix is longer than the real one (the body moves back).
  mid_ascii: 'm'.repeat(100),
  ascii_6k: 'a'.repeat(6000),
  mixed_6k: `${'a'.repeat(5990)}日本🚀`,
  big: BIG,
  yes: true,
  no: false,
  zero: 0,
  int: 42,
  neg: -7,
  big_int: 2 ** 40 + 3,
  big_neg: -(2 ** 40) - 3,
  max_safe: Number.MAX_SAFE_INTEGER,
  min_safe: Number.MIN_SAFE_INTEGER,
  dbl: 0.25,
  neg_dbl: -1.5e-7,
  huge_dbl: 1e300,
  strs: ['a', '', 'ü🚀'],
  nums: [1, -2, 3.5],
  bools: [true, false],
  sparse: ['a', null, 'b'] as string[],
};

function spans(): { spans: ReadableSpan[]; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const res = resourceFromAttributes({ 'service.name': 'svc', 'service.version': '1.0', 'host.count': 3 });
  const provider = new BasicTracerProvider({ resource: res, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const other = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'other' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const t1 = provider.getTracer('scope-a', '1.2.3');
  const t2 = provider.getTracer('scope-b');
  const remote = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=abc,other=1'),
  });
  const root = t1.startSpan('root 🚀', { kind: SpanKind.SERVER, attributes: ATTRS }, remote);
  root.addEvent('evt', { 'exception.message': UNICODE, n: 1 }, [1_700_000_000, 123_456_789]);
  root.addEvent('bare');
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'failed: ' + 'ß'.repeat(200) });
  const child = t2.startSpan('child', {
    kind: SpanKind.CLIENT,
    links: [{ context: { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 0, isRemote: false, traceState: createTraceState('k=v') }, attributes: { why: 'retry' } }],
    startTime: [1_763_000_000, 999_999_999],
  }, trace.setSpan(context.active(), root));
  child.setStatus({ code: SpanStatusCode.OK });
  child.end([1_763_000_001, 1]);
  root.end();
  const o = other.getTracer('scope-a', '1.2.3').startSpan('internal');
  o.end();
  return { spans: exporter.getFinishedSpans(), exporter };
}

const nanos = (t: [number, number]) => String(BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]));

function find(decoded: ReturnType<typeof decodeTraceRequest>, name: string): DecodedSpan {
  for (const rs of decoded.resource_spans ?? []) for (const ss of rs.scope_spans ?? []) for (const s of ss.spans ?? []) if (s.name === name) return s;
  throw new Error(`no span ${name}`);
}

describe('encodeTraceRequest', () => {
  const { spans: list } = spans();
  const bytes = Buffer.from(encodeTraceRequest(list));
  const decoded = decodeTraceRequest(bytes);

  it('groups by resource and scope like the stock transformer, resource attributes included', () => {
    expect(decoded.resource_spans).toHaveLength(2);
    const [a, b] = decoded.resource_spans ?? [];
    expect(attrs(a?.resource?.attributes)).toEqual({ 'service.name': 'svc', 'service.version': '1.0', 'host.count': 3 });
    expect(attrs(b?.resource?.attributes)).toEqual({ 'service.name': 'other' });
    expect(a?.scope_spans?.map((s) => [s.scope?.name, s.scope?.version ?? '', s.spans?.map((x) => x.name)])).toEqual([
      ['scope-b', '', ['child']],
      ['scope-a', '1.2.3', ['root 🚀']],
    ]);
  });

  it('keeps every attribute type and value, unicode and a 3 MB string included', () => {
    const root = find(decoded, 'root 🚀');
    const got = attrs(root.attributes);
    expect(got).toEqual({ ...ATTRS, sparse: ['a', undefined, 'b'] });
    expect(root.attributes?.find((a) => a.key === 'dbl')?.value?.double_value).toBe(0.25);
    expect(root.attributes?.find((a) => a.key === 'int')?.value?.int_value).toBe('42');
    expect(root.attributes?.find((a) => a.key === 'big_neg')?.value?.int_value).toBe(String(-(2 ** 40) - 3));
    expect(root.attributes?.find((a) => a.key === 'empty')?.value).toEqual({ string_value: '' });
  });

  it('writes ids, parent, trace state, kind, times, flags, events, links and status exactly', () => {
    const [child, root] = list as [ReadableSpan, ReadableSpan];
    const r = find(decoded, 'root 🚀');
    expect(hex(r.trace_id)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(hex(r.span_id)).toBe(root.spanContext().spanId);
    expect(hex(r.parent_span_id)).toBe('b7ad6b7169203331');
    expect(r.kind).toBe(2);
    expect(r.flags).toBe(0x301); // sampled, has-is-remote, parent remote
    expect(r.start_time_unix_nano).toBe(nanos(root.startTime));
    expect(r.end_time_unix_nano).toBe(nanos(root.endTime));
    expect(r.events?.map((e) => [e.name, e.time_unix_nano, attrs(e.attributes)])).toEqual([
      ['evt', '1700000000123456789', { 'exception.message': UNICODE, n: 1 }],
      ['bare', nanos(root.events[1]?.time as [number, number]), {}],
    ]);
    expect(r.status).toEqual({ code: 2, message: 'failed: ' + 'ß'.repeat(200) });
    const c = find(decoded, 'child');
    expect(hex(c.parent_span_id)).toBe(root.spanContext().spanId);
    expect(c.kind).toBe(3);
    expect(c.flags).toBe(0x101);
    expect(c.trace_state ?? '').toBe(child.spanContext().traceState?.serialize() ?? '');
    expect(c.start_time_unix_nano).toBe('1763000000999999999');
    expect(c.end_time_unix_nano).toBe('1763000001000000001');
    expect(c.status).toEqual({ code: 1 });
    expect(c.links?.map((l) => [hex(l.trace_id), hex(l.span_id), l.trace_state, attrs(l.attributes), l.flags])).toEqual([
      ['1'.repeat(32), '2'.repeat(16), 'k=v', { why: 'retry' }, 0x100],
    ]);
    const internal = find(decoded, 'internal');
    expect(internal.kind).toBe(1);
    expect(internal.parent_span_id ?? '').toBe('');
    expect(internal.status ?? {}).toEqual({});
  });

  it('produces the same bytes from a writer that must grow at every step', () => {
    expect(Buffer.from(encodeTraceRequest(list, new ProtoWriter(16))).equals(bytes)).toBe(true);
    // A reused writer starts from zero each time.
    const w = new ProtoWriter();
    encodeTraceRequest(list, w);
    expect(Buffer.from(encodeTraceRequest(list, w)).equals(bytes)).toBe(true);
  });

  it('produces the same bytes when encoded in slices with pauses between them', async () => {
    for (const per of [1, 2, list.length, list.length + 5]) {
      let pauses = 0;
      const w = new ProtoWriter(16);
      const sliced = await encodeTraceRequestInSlices(list, w, per, async () => {
        pauses++;
        // Another writer in use meanwhile must not disturb this one.
        encodeTraceRequest(list, new ProtoWriter(16));
      });
      expect(Buffer.from(sliced).equals(bytes)).toBe(true);
      expect(pauses).toBe(Math.ceil(list.length / per) - 1);
    }
  });

  it('encodes an empty batch as an empty request', () => {
    expect(encodeTraceRequest([]).length).toBe(0);
    expect(decodeTraceRequest(encodeTraceRequest([])).resource_spans ?? []).toEqual([]);
  });
});
