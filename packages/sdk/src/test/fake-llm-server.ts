import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer of the fake server. */
export type Scripted =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }
  /** SSE; `data` objects are JSON-encoded. `abortAfter` destroys the socket after that many events. */
  | { kind: 'sse'; events: Array<{ event?: string; data: unknown }>; done?: boolean; abortAfter?: number; delayMs?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/**
 * An OpenAI- and Anthropic-compatible HTTP server whose every answer a test scripts exactly, so
 * the real `openai` and `@anthropic-ai/sdk` clients can be driven through plain, streaming, tool,
 * error and aborted-stream paths on loopback.
 */
export class FakeLlmServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queues = new Map<string, Scripted[]>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeLlmServer> {
    const ref: { self?: FakeLlmServer } = {};
    const server = createServer((req, res) => void ref.self?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.self = new FakeLlmServer(server, `http://127.0.0.1:${port}`);
    return ref.self;
  }

  /** Queues answers for a path such as `/v1/chat/completions`, served in order. */
  script(path: string, ...answers: Scripted[]): this {
    const q = this.queues.get(path) ?? [];
    q.push(...answers);
    this.queues.set(path, q);
    return this;
  }

  callsTo(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text; // not JSON: keep the raw text for the assertion
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    const answer = this.queues.get(path)?.shift();
    if (!answer) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no scripted answer for ${path}`, type: 'server_error' } }));
      return;
    }
    if (answer.kind === 'json' || answer.kind === 'raw') {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.kind === 'json' ? JSON.stringify(answer.body) : answer.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (let i = 0; i < answer.events.length; i++) {
      if (answer.abortAfter !== undefined && i >= answer.abortAfter) {
        res.destroy();
        return;
      }
      const e = answer.events[i];
      if (!e) continue;
      res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    }
    if (answer.done !== false) res.write('data: [DONE]\n\n');
    res.end();
  }
}
