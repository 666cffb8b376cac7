import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import type { DecodedSpan } from './decoded-span.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { decodeOtlpJson } from './json-decode.ts';
import { encodeJson, encodeProtobuf, exportRequest, llmSpan } from './otlp-fixtures.ts';
import { decodeOtlpProtobuf } from './protobuf-decode.ts';

function richSpan(): DecodedSpan {
  return {
    ...llmSpan(1, '5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174'),
    spanId: '00f067aa0ba902b7',
    traceState: 'rojo=00f067aa0ba902b7',
    // Past 2^53: only an exact fixed64 decode keeps the last digits.
    startTimeUnixNano: '1763856000123456789',
    endTimeUnixNano: '1763856001987654321',
    attributes: {
      s: 'text with ünïcödé 🚀',
      b: true,
      i: -42,
      d: 3.25,
      arr: ['a', 1, false],
      kv: { inner: 'x', n: 7, deeper: { z: [1.5] } },
      bytes: new Uint8Array([0, 1, 254, 255]),
    },
    events: [{ timeUnixNano: '1763856000500000001', name: 'gen_ai.choice', attributes: { index: 0 } }],
    links: [{ traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'bbbbbbbbbbbbbbbb', traceState: '', attributes: { why: 'retry' } }],
    statusCode: 2,
    statusMessage: 'rate limited',
  };
}

describe('decodeOtlpProtobuf', () => {
  it('decodes every field of a span exactly', () => {
    const req = exportRequest([richSpan(), llmSpan(2)], 'svc-a');
    expect(decodeOtlpProtobuf(encodeProtobuf(req))).toEqual(req);
  });

  it('decodes the same request as its OTLP/JSON form', () => {
    const req = exportRequest([richSpan()]);
    expect(decodeOtlpProtobuf(encodeProtobuf(req))).toEqual(decodeOtlpJson(encodeJson(req)));
  });

  it('keeps int64 attributes beyond 2^53 as exact decimal strings', () => {
    const attr = (key: string, varint: number[]) => {
      const w = protobuf.Writer.create();
      // ResourceSpans{ ScopeSpans{ Span{ attributes: [{key, value: AnyValue{int_value: <raw varint>}}] } } }
      w.uint32(10).fork().uint32(18).fork().uint32(18).fork();
      w.uint32(74).fork().uint32(10).string(key).uint32(18).bytes(new Uint8Array([24, ...varint])).ldelim();
      w.ldelim().ldelim().ldelim();
      return decodeOtlpProtobuf(w.finish()).resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes[key];
    };
    expect(attr('max', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])).toBe('9223372036854775807');
    expect(attr('minusOne', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).toBe(-1);
    expect(attr('small', [0x96, 0x01])).toBe(150);
    expect(() => attr('overlong', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).toThrow(OtlpDecodeError);
  });

  it('skips unknown fields of every wire type', () => {
    const known = encodeProtobuf(exportRequest([llmSpan(3)]));
    const w = protobuf.Writer.create();
    w.uint32((99 << 3) | 0).uint64(12345);
    w.uint32((98 << 3) | 1).fixed64(7);
    w.uint32((97 << 3) | 2).bytes(new Uint8Array([1, 2, 3]));
    w.uint32((96 << 3) | 5).fixed32(9);
    const body = Buffer.concat([w.finish(), known]);
    expect(decodeOtlpProtobuf(body)).toEqual(decodeOtlpProtobuf(known));
  });

  it('rejects truncated and malformed bodies with OtlpDecodeError', () => {
    const body = encodeProtobuf(exportRequest([llmSpan(4)]));
    expect(() => decodeOtlpProtobuf(body.subarray(0, body.length - 10))).toThrow(OtlpDecodeError);
    expect(() => decodeOtlpProtobuf(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]))).toThrow(OtlpDecodeError);
    expect(() => decodeOtlpProtobuf(new Uint8Array([0x07]))).toThrow(OtlpDecodeError);
  });

  it('refuses attribute nesting deep enough to exhaust the stack', () => {
    const w = protobuf.Writer.create();
    w.uint32(10).fork().uint32(18).fork().uint32(18).fork().uint32(74).fork().uint32(10).string('deep');
    w.uint32(18).fork(); // KeyValue.value → AnyValue
    for (let i = 0; i < 100; i++) w.uint32(42).fork().uint32(10).fork(); // AnyValue.array_value → ArrayValue.values → AnyValue
    for (let i = 0; i < 100; i++) w.ldelim().ldelim();
    w.ldelim().ldelim().ldelim().ldelim().ldelim();
    expect(() => decodeOtlpProtobuf(w.finish())).toThrow(/nesting/);
  });

  it('decodes an empty body as an empty request (valid per the spec)', () => {
    expect(decodeOtlpProtobuf(new Uint8Array(0))).toEqual({ resourceSpans: [] });
  });
});
