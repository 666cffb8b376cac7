import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { attrs, decodeTraceRequest, hex } from './otlp-oracle.ts';

/** How the sink answers: fine, failing, slow, or with a body no OTLP client expects. */
export type SinkMode = 'ok' | '500' | '413' | 'garbage' | 'slow' | '503';

/** An OTLP/HTTP receiver for tests: records each export request and answers as scripted. */
export class OtlpSink {
  readonly received: Array<{ headers: IncomingHttpHeaders; body: Buffer }> = [];
  mode: SinkMode = 'ok';
  /** Answers for the next requests, one each, before `mode` applies again. */
  readonly next: SinkMode[] = [];
  slowMs = 3000;
  /** `Retry-After` sent with 503 answers. */
  retryAfter = '0';
  /** When set, 2xx answers carry this OTLP partial success (protobuf requests get protobuf). */
  partial: { rejectedSpans: number; errorMessage: string } | undefined;
  /** Answer JSON even to protobuf requests, as some collectors do. */
  answerJson = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OtlpSink> {
    const ref: { self?: OtlpSink } = {};
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const sink = ref.self as OtlpSink;
      sink.received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      const mode = sink.next.shift() ?? sink.mode;
      if (mode === 'slow') await new Promise((r) => setTimeout(r, sink.slowMs));
      if (mode === '503') res.writeHead(503, { 'retry-after': sink.retryAfter }).end();
      else if (mode === '500') res.writeHead(500).end('{"error":"boom"}');
      else if (mode === '413') res.writeHead(413).end('too large');
      else if (mode === 'garbage') res.writeHead(200, { 'content-type': 'application/json' }).end('\u0000\u00ffnot json{{{');
      else if (sink.partial && !sink.answerJson && req.headers['content-type'] === 'application/x-protobuf') {
        const { ExportTraceServiceResponse: R } = await import('./otlp-oracle.ts');
        const body = R.encode(R.fromObject({ partial_success: { rejected_spans: sink.partial.rejectedSpans, error_message: sink.partial.errorMessage } })).finish();
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(body);
      } else if (sink.partial) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ partialSuccess: { rejectedSpans: String(sink.partial.rejectedSpans), errorMessage: sink.partial.errorMessage } }));
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ref.self = new OtlpSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return ref.self;
  }

  /** Every span of every export so far (JSON or protobuf), with attributes flattened. */
  spans(): Array<{ name: string; traceId: string; attributes: Record<string, unknown> }> {
    const out: Array<{ name: string; traceId: string; attributes: Record<string, unknown> }> = [];
    for (const { headers, body: raw } of this.received) {
      const body = headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      if (headers['content-type'] === 'application/x-protobuf') {
        for (const rs of decodeTraceRequest(body).resource_spans ?? [])
          for (const ss of rs.scope_spans ?? [])
            for (const s of ss.spans ?? []) out.push({ name: s.name, traceId: hex(s.trace_id), attributes: attrs(s.attributes) });
        continue;
      }
      let json: { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ name: string; traceId: string; attributes?: Array<{ key: string; value: Record<string, unknown> }> }> }> }> };
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        continue; // a garbage body: nothing to read
      }
      for (const rs of json.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? []) {
            const attributes: Record<string, unknown> = {};
            for (const a of s.attributes ?? []) attributes[a.key] = Object.values(a.value)[0];
            out.push({ name: s.name, traceId: s.traceId, attributes });
          }
    }
    return out;
  }

  /** The resource attributes of every export so far (JSON or protobuf). */
  resources(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const { headers, body: raw } of this.received) {
      const body = headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      if (headers['content-type'] === 'application/x-protobuf') {
        for (const rs of decodeTraceRequest(body).resource_spans ?? []) out.push(attrs(rs.resource?.attributes));
        continue;
      }
      try {
        const json = JSON.parse(body.toString('utf8')) as { resourceSpans?: Array<{ resource?: { attributes?: Array<{ key: string; value: Record<string, unknown> }> } }> };
        for (const rs of json.resourceSpans ?? []) out.push(Object.fromEntries((rs.resource?.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]])));
      } catch {
        continue; // a garbage body: nothing to read
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
