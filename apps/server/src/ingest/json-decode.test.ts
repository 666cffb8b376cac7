import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from './decode-error.ts';
import { decodeOtlpJson } from './json-decode.ts';

const span = (extra: Record<string, unknown>) =>
  JSON.stringify({
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [{ traceId: '5B8EFFF798038103D269B633813FC60C', spanId: 'eee19b7ec3c1b174', ...extra }] }] }],
  });

const first = (json: string) => decodeOtlpJson(json).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

describe('decodeOtlpJson', () => {
  it('reads hex ids (lowercased), int64 as string or number, enums as ints or names', () => {
    const s = first(span({ startTimeUnixNano: '1763856000123456789', endTimeUnixNano: 1763856001, kind: 'SPAN_KIND_CLIENT', status: { code: 2, message: 'boom' } }));
    expect(s.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(s.startTimeUnixNano).toBe('1763856000123456789');
    expect(s.endTimeUnixNano).toBe('1763856001');
    expect(s.kind).toBe(3);
    expect(s.statusCode).toBe(2);
    expect(s.statusMessage).toBe('boom');
  });

  it('reads every AnyValue form and ignores unknown fields', () => {
    const s = first(
      span({
        futureField: { anything: true },
        attributes: [
          { key: 'i', value: { intValue: '-9007199254740993' } },
          { key: 'n', value: { intValue: 12 } },
          { key: 'd', value: { doubleValue: 'NaN' } },
          { key: 'b', value: { boolValue: false } },
          { key: 'bytes', value: { bytesValue: 'AAH+/w==' } },
          { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '1' }] } } },
          { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
          { key: 'empty', value: {} },
        ],
      }),
    );
    expect(s.attributes.i).toBe('-9007199254740993');
    expect(s.attributes.n).toBe(12);
    expect(Number.isNaN(s.attributes.d)).toBe(true);
    expect(s.attributes.b).toBe(false);
    expect(s.attributes.bytes).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(s.attributes.a).toEqual(['x', 1]);
    expect(s.attributes.kv).toEqual({ k: 'v' });
    expect(s.attributes.empty).toBeNull();
  });

  it('keeps an attribute named __proto__ as data, never as the prototype', () => {
    const s = first(span({ attributes: [{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } } }] }));
    expect(Object.keys(s.attributes)).toEqual(['__proto__']);
    expect((s.attributes as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers wrong types with an error naming the path', () => {
    expect(() => decodeOtlpJson('{"resourceSpans": {}}')).toThrow(/resourceSpans: expected an array/);
    expect(() => first(span({ startTimeUnixNano: 'soon' }))).toThrow(/spans\[0\]\.startTimeUnixNano/);
    expect(() => first(span({ attributes: [{ key: 'x', value: { boolValue: 'yes' } }] }))).toThrow(OtlpDecodeError);
    expect(() => decodeOtlpJson('{not json')).toThrow(/invalid JSON/);
    expect(() => decodeOtlpJson('[]')).toThrow(/request: expected an object/);
  });
});
