import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import protobuf from 'protobufjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributeValue, Attributes } from './decoded-span.ts';
import { decodeOtlpProtobuf } from './protobuf-decode.ts';

// Differential test: requests built and encoded by protobufjs' reflection encoder from the OTLP
// .proto, decoded by our hand-written reader, must come back field for field.
const root = protobuf.parse(readFileSync(createRequire(import.meta.url).resolve('@sightline/contracts/otlp-trace.proto'), 'utf8'), { keepCase: true }).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');

type Any = Record<string, unknown>;
const anyValue = (v: AttributeValue): Any => {
  if (v === null) return {};
  if (typeof v === 'string') return { string_value: v };
  if (typeof v === 'boolean') return { bool_value: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { int_value: v } : { double_value: v };
  if (v instanceof Uint8Array) return { bytes_value: v };
  if (Array.isArray(v)) return { array_value: { values: (v as AttributeValue[]).map(anyValue) } };
  return { kvlist_value: { values: kvs(v as Attributes) } };
};
const kvs = (a: Attributes) => Object.entries(a).map(([key, value]) => ({ key, value: anyValue(value) }));

const leaf = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc.uint8Array({ minLength: 1, maxLength: 8 }),
);
const value: fc.Arbitrary<AttributeValue> = fc.letrec<{ v: AttributeValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('v'), { maxKeys: 3 })),
})).v;
const attrs = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), value, { maxKeys: 5 });
// Up to 2^53: protobufjs' reflection encoder is exact beyond that only when the optional `long`
// package loads; times past 2^53 are covered by protobuf-decode.test.ts.
const nanos = fc.bigInt({ min: 0n, max: 2n ** 53n }).map(String);
const span = fc.record({
  name: fc.string(),
  kind: fc.integer({ min: 0, max: 5 }),
  start: nanos,
  end: nanos,
  attributes: attrs,
  statusCode: fc.integer({ min: 0, max: 2 }),
  statusMessage: fc.string(),
  traceState: fc.string({ maxLength: 20 }),
  eventName: fc.option(fc.string(), { nil: undefined }),
});

describe('protobuf decoder against the reflection encoder of the OTLP .proto', () => {
  it('decodes every generated request exactly', () => {
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 4 }), attrs, (spans, resourceAttrs) => {
        const ids = spans.map(() => ({ traceId: randomBytes(16), spanId: randomBytes(8), parent: randomBytes(8) }));
        const message = {
          resource_spans: [
            {
              resource: { attributes: kvs(resourceAttrs) },
              scope_spans: [
                {
                  scope: { name: 'scope', version: '1.0' },
                  spans: spans.map((s, i) => ({
                    trace_id: ids[i]!.traceId,
                    span_id: ids[i]!.spanId,
                    parent_span_id: ids[i]!.parent,
                    trace_state: s.traceState,
                    name: s.name,
                    kind: s.kind,
                    start_time_unix_nano: s.start,
                    end_time_unix_nano: s.end,
                    attributes: kvs(s.attributes),
                    events: s.eventName === undefined ? [] : [{ time_unix_nano: s.start, name: s.eventName, attributes: [] }],
                    status: { code: s.statusCode, message: s.statusMessage },
                  })),
                },
              ],
            },
          ],
        };
        // fromObject turns decimal strings into exact 64-bit Longs.
        const bytes = Request.encode(Request.fromObject(message)).finish();
        const decoded = decodeOtlpProtobuf(bytes);
        const rs = decoded.resourceSpans[0]!;
        expect(rs.resourceAttributes).toEqual(resourceAttrs);
        expect(rs.scopeSpans[0]!.scopeName).toBe('scope');
        rs.scopeSpans[0]!.spans.forEach((d, i) => {
          const s = spans[i]!;
          expect(d).toEqual({
            traceId: ids[i]!.traceId.toString('hex'),
            spanId: ids[i]!.spanId.toString('hex'),
            parentSpanId: ids[i]!.parent.toString('hex'),
            traceState: s.traceState,
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: s.start,
            endTimeUnixNano: s.end,
            attributes: s.attributes,
            events: s.eventName === undefined ? [] : [{ timeUnixNano: s.start, name: s.eventName, attributes: {} }],
            links: [],
            statusCode: s.statusCode,
            statusMessage: s.statusMessage,
          });
        });
      }),
      { numRuns: 400 },
    );
  });
});
