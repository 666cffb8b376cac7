import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the sink answers: fine, failing, slow, or with a body no OTLP client expects. */
export type SinkMode = 'ok' | '500' | '413' | 'garbage' | 'slow';

/** An OTLP/HTTP receiver for tests: records each export request and answers as scripted. */
export class OtlpSink {
  readonly received: Array<{ headers: IncomingHttpHeaders; body: Buffer }> = [];
  mode: SinkMode = 'ok';
  slowMs = 3000;

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
      if (sink.mode === 'slow') await new Promise((r) => setTimeout(r, sink.slowMs));
      if (sink.mode === '500') res.writeHead(500).end('{"error":"boom"}');
      else if (sink.mode === '413') res.writeHead(413).end('too large');
      else if (sink.mode === 'garbage') res.writeHead(200, { 'content-type': 'application/json' }).end('\u0000\u00ffnot json{{{');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ref.self = new OtlpSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return ref.self;
  }

  /** Every span of every JSON export so far, with attributes flattened. */
  spans(): Array<{ name: string; traceId: string; attributes: Record<string, unknown> }> {
    const out: Array<{ name: string; traceId: string; attributes: Record<string, unknown> }> = [];
    for (const { body } of this.received) {
      let json: { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ name: string; traceId: string; attributes?: Array<{ key: string; value: Record<string, unknown> }> }> }> }> };
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        continue; // a protobuf export: not decoded here
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

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
