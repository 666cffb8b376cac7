import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpDecodeError } from './decode-error.ts';
import { decodeOtlpJson } from './json-decode.ts';
import { encodeJson, encodeProtobuf, exportRequest, llmSpan } from './otlp-fixtures.ts';
import { decodeOtlpProtobuf } from './protobuf-decode.ts';
import { startTestServer, type TestServer } from './test-support.ts';

const validProto = encodeProtobuf(exportRequest([llmSpan(1), { ...llmSpan(2), events: [{ timeUnixNano: '5', name: 'e', attributes: { a: [1, { b: true }] } }] }]));
const validJson = encodeJson(exportRequest([llmSpan(3)]));

/** A valid body with random bytes overwritten, inserted or cut: reaches far deeper than pure noise. */
const mutated = (base: Uint8Array) =>
  fc
    .tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), fc.boolean())
    .map(([edits, cut, truncate]) => {
      const out = Buffer.from(base);
      for (const [pos, byte] of edits) out[pos % out.length] = byte;
      return truncate ? out.subarray(0, cut % (out.length + 1)) : out;
    });

function onlyDecodeErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OtlpDecodeError);
  }
}

describe('decoder fuzzing', () => {
  it('protobuf: any bytes either decode or fail with OtlpDecodeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated(validProto)), (bytes) => onlyDecodeErrors(() => decodeOtlpProtobuf(bytes))),
      { numRuns: 3000 },
    );
  });

  it('JSON: any text or JSON value either decodes or fails with OtlpDecodeError', () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      mutated(Buffer.from(validJson)).map((b) => b.toString('utf8')),
      fc.jsonValue().map((v) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [v] }] }] })),
    );
    fc.assert(fc.property(jsonish, (text) => onlyDecodeErrors(() => decodeOtlpJson(text))), { numRuns: 3000 });
  });
});

describe('route fuzzing on the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers only 200, 400, 413 or 415: never a 5xx, never a crash', async () => {
    const body = fc.oneof(fc.uint8Array({ maxLength: 2048 }), mutated(validProto), mutated(Buffer.from(validJson)));
    const contentType = fc.constantFrom('application/x-protobuf', 'application/json', 'application/json; charset=utf-8', 'text/plain', '', 'application/x-protobuf;x=1');
    const encoding = fc.constantFrom('', 'gzip', 'identity', 'br');
    await fc.assert(
      fc.asyncProperty(body, contentType, encoding, fc.boolean(), async (bytes, type, enc, gzipIt) => {
        const payload = enc === 'gzip' && gzipIt ? gzipSync(bytes) : bytes;
        const headers: Record<string, string> = { authorization: `Bearer ${server.key}` };
        if (type) headers['content-type'] = type;
        if (enc) headers['content-encoding'] = enc;
        const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', body: payload, headers });
        await res.arrayBuffer();
        expect([200, 400, 413, 415]).toContain(res.status);
      }),
      { numRuns: 300 },
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
