import { randomBytes } from 'node:crypto';
import protobuf from 'protobufjs/minimal.js';
import type { AttributeValue, Attributes, DecodedExportRequest, DecodedSpan } from './decoded-span.ts';

/**
 * OTLP request builders for tests and the ingest benchmark: realistic LLM spans (two ~2 KB
 * message attributes, usage, model; ~4.6 KB encoded) and encoders to protobuf and OTLP/JSON.
 */

const WORDS = 'the model answered with a careful summary of quarterly revenue growth and churn risk across regions'.split(' ');

function text(bytes: number, seed: number): string {
  let s = '';
  for (let i = seed; s.length < bytes; i++) s += `${WORDS[i % WORDS.length]} `;
  return s.slice(0, bytes);
}

export function llmSpan(i: number, traceId = randomBytes(16).toString('hex'), parentSpanId = ''): DecodedSpan {
  const start = BigInt(Date.now()) * 1_000_000n + BigInt(i);
  return {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    parentSpanId,
    traceState: '',
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 850_000_000n).toString(),
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 512 + (i % 100),
      'gen_ai.usage.output_tokens': 128 + (i % 50),
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: text(2000, i) }] }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text(2000, i + 7) }] }]),
      'server.address': 'api.openai.com',
      'user.id': `user-${i % 37}`,
    },
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
}

export function exportRequest(spans: DecodedSpan[], service = 'bench-service'): DecodedExportRequest {
  return {
    resourceSpans: [
      {
        resourceAttributes: { 'service.name': service, 'deployment.environment.name': 'test' },
        scopeSpans: [{ scopeName: '@sightline/sdk', scopeVersion: '0.1.0', spans }],
      },
    ],
  };
}

export function encodeProtobuf(req: DecodedExportRequest): Uint8Array {
  const w = protobuf.Writer.create();
  for (const rs of req.resourceSpans) {
    w.uint32((1 << 3) | 2).fork();
    w.uint32((1 << 3) | 2).fork();
    writeAttrs(w, 1, rs.resourceAttributes);
    w.ldelim();
    for (const ss of rs.scopeSpans) {
      w.uint32((2 << 3) | 2).fork();
      w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(ss.scopeName).uint32((2 << 3) | 2).string(ss.scopeVersion).ldelim();
      for (const s of ss.spans) writeSpan(w, s);
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}

function writeSpan(w: protobuf.Writer, s: DecodedSpan): void {
  w.uint32((2 << 3) | 2).fork();
  w.uint32((1 << 3) | 2).bytes(Buffer.from(s.traceId, 'hex'));
  w.uint32((2 << 3) | 2).bytes(Buffer.from(s.spanId, 'hex'));
  if (s.traceState) w.uint32((3 << 3) | 2).string(s.traceState);
  if (s.parentSpanId) w.uint32((4 << 3) | 2).bytes(Buffer.from(s.parentSpanId, 'hex'));
  w.uint32((5 << 3) | 2).string(s.name);
  w.uint32((6 << 3) | 0).int32(s.kind);
  fixed64(w.uint32((7 << 3) | 1), s.startTimeUnixNano);
  fixed64(w.uint32((8 << 3) | 1), s.endTimeUnixNano);
  writeAttrs(w, 9, s.attributes);
  for (const e of s.events) {
    w.uint32((11 << 3) | 2).fork();
    fixed64(w.uint32((1 << 3) | 1), e.timeUnixNano);
    w.uint32((2 << 3) | 2).string(e.name);
    writeAttrs(w, 3, e.attributes);
    w.ldelim();
  }
  for (const l of s.links) {
    w.uint32((13 << 3) | 2).fork();
    w.uint32((1 << 3) | 2).bytes(Buffer.from(l.traceId, 'hex'));
    w.uint32((2 << 3) | 2).bytes(Buffer.from(l.spanId, 'hex'));
    writeAttrs(w, 4, l.attributes);
    w.ldelim();
  }
  if (s.statusCode || s.statusMessage) {
    w.uint32((15 << 3) | 2).fork().uint32((2 << 3) | 2).string(s.statusMessage).uint32((3 << 3) | 0).int32(s.statusCode).ldelim();
  }
  w.ldelim();
}

function fixed64(w: protobuf.Writer, decimal: string): void {
  const n = BigInt(decimal);
  w.fixed32(Number(n & 0xffffffffn)).fixed32(Number(n >> 32n));
}

function writeAttrs(w: protobuf.Writer, field: number, attrs: Attributes): void {
  for (const [k, v] of Object.entries(attrs)) {
    w.uint32((field << 3) | 2).fork();
    w.uint32((1 << 3) | 2).string(k);
    w.uint32((2 << 3) | 2).fork();
    writeAny(w, v);
    w.ldelim();
    w.ldelim();
  }
}

function writeAny(w: protobuf.Writer, v: AttributeValue): void {
  if (v === null) return;
  if (typeof v === 'string') w.uint32((1 << 3) | 2).string(v);
  else if (typeof v === 'boolean') w.uint32((2 << 3) | 0).bool(v);
  else if (typeof v === 'number') {
    if (Number.isInteger(v)) w.uint32((3 << 3) | 0).int64(v);
    else w.uint32((4 << 3) | 1).double(v);
  } else if (v instanceof Uint8Array) w.uint32((7 << 3) | 2).bytes(v);
  else if (Array.isArray(v)) {
    w.uint32((5 << 3) | 2).fork();
    for (const x of v as AttributeValue[]) {
      w.uint32((1 << 3) | 2).fork();
      writeAny(w, x);
      w.ldelim();
    }
    w.ldelim();
  } else {
    w.uint32((6 << 3) | 2).fork();
    writeAttrs(w, 1, v as Attributes);
    w.ldelim();
  }
}

/** OTLP/JSON of a request, per the spec's JSON mapping (hex ids, int64 as strings). */
export function encodeJson(req: DecodedExportRequest): string {
  const attrs = (a: Attributes) => Object.entries(a).map(([key, value]) => ({ key, value: anyJson(value) }));
  return JSON.stringify({
    resourceSpans: req.resourceSpans.map((rs) => ({
      resource: { attributes: attrs(rs.resourceAttributes) },
      scopeSpans: rs.scopeSpans.map((ss) => ({
        scope: { name: ss.scopeName, version: ss.scopeVersion },
        spans: ss.spans.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId,
          traceState: s.traceState,
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: s.startTimeUnixNano,
          endTimeUnixNano: s.endTimeUnixNano,
          attributes: attrs(s.attributes),
          events: s.events.map((e) => ({ timeUnixNano: e.timeUnixNano, name: e.name, attributes: attrs(e.attributes) })),
          links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState, attributes: attrs(l.attributes) })),
          status: { code: s.statusCode, message: s.statusMessage },
        })),
      })),
    })),
  });
}

function anyJson(v: AttributeValue): unknown {
  if (v === null) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: (v as AttributeValue[]).map(anyJson) } };
  return { kvlistValue: { values: Object.entries(v as Attributes).map(([key, value]) => ({ key, value: anyJson(value) })) } };
}
