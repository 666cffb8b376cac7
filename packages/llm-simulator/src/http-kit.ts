import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Rng } from './determinism.ts';
import type { ResolvedOptions } from './options.ts';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** A request the simulator refuses, in the provider's own error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export type Dialect = 'openai' | 'anthropic';

export async function readJsonBody(req: IncomingMessage): Promise<{ raw: string; json: Record<string, unknown> }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'invalid_request_error', `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(raw === '' ? '{}' : raw);
  } catch (err) {
    throw new ApiError(400, 'invalid_request_error', `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ApiError(400, 'invalid_request_error', 'request body must be a JSON object');
  }
  return { raw, json: json as Record<string, unknown> };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, dialect: Dialect, err: ApiError, headers: Record<string, string> = {}): void {
  const body =
    dialect === 'anthropic'
      ? { type: 'error', error: { type: err.type, message: err.message } }
      : { error: { message: err.message, type: err.type, param: err.param, code: err.type === 'rate_limit_exceeded' ? 'rate_limit_exceeded' : null } };
  sendJson(res, err.status, body, headers);
}

/**
 * Answers with a rate limit or a server error. `retry-after` is in whole seconds as the providers send
 * it; with latency 'none' a `retry-after-ms` (honoured by both official SDKs) keeps test retries fast.
 */
export function sendFault(res: ServerResponse, dialect: Dialect, fault: 'rate_limit' | 'server_error', options: ResolvedOptions, rng: Rng): void {
  if (fault === 'rate_limit') {
    const headers: Record<string, string> = { 'retry-after': '1' };
    if (options.latency === 'none') headers['retry-after-ms'] = '20';
    else if (options.timeScale < 1) headers['retry-after-ms'] = String(Math.max(10, Math.round(1000 * options.timeScale)));
    const type = dialect === 'anthropic' ? 'rate_limit_error' : 'rate_limit_exceeded';
    sendError(res, dialect, new ApiError(429, type, 'Rate limit reached for requests (simulated). Please retry after 1s.'), headers);
    return;
  }
  const overloaded = rng.chance(0.5);
  // In compressed time (timeScale < 1) the client's default back-off of ~0.5–8 s would dominate: ask for
  // a scaled wait instead, as Azure OpenAI does with retry-after-ms.
  const headers: Record<string, string> = options.timeScale < 1 ? { 'retry-after-ms': String(Math.max(10, Math.round(1000 * options.timeScale))) } : {};
  if (dialect === 'anthropic') {
    sendError(res, dialect, overloaded ? new ApiError(529, 'overloaded_error', 'Overloaded (simulated)') : new ApiError(500, 'api_error', 'Internal server error (simulated)'), headers);
  } else {
    sendError(res, dialect, overloaded ? new ApiError(503, 'server_error', 'The server is overloaded (simulated). Please retry.') : new ApiError(500, 'server_error', 'The server had an error while processing your request (simulated).'), headers);
  }
}

/** How fast a simulated model answers: time to first token, then a steady token rate. */
export interface Pace {
  ttftMs: number;
  msPerToken: number;
}

export function paceFor(options: ResolvedOptions, rng: Rng): Pace {
  if (options.latency === 'none') return { ttftMs: 0, msPerToken: 0 };
  const scale = options.timeScale;
  return { ttftMs: rng.int(150, 900) * scale, msPerToken: (1000 / rng.int(40, 120)) * scale };
}

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

/** Server-sent events with pacing; stops quietly once the client has gone. */
export class EventStream {
  private gone = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly pace: Pace,
  ) {
    res.on('close', () => {
      this.gone = true;
    });
  }

  get closed(): boolean {
    return this.gone || this.res.destroyed;
  }

  async open(headers: Record<string, string> = {}): Promise<void> {
    this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
    this.res.flushHeaders();
    await sleep(this.pace.ttftMs);
  }

  /** Waits as long as `tokens` take to generate, then writes one event. */
  async send(data: unknown, opts: { event?: string; tokens?: number } = {}): Promise<void> {
    await sleep((opts.tokens ?? 0) * this.pace.msPerToken);
    if (this.closed) return;
    const prefix = opts.event !== undefined ? `event: ${opts.event}\n` : '';
    this.res.write(`${prefix}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Drops the connection mid-stream, as a proxy timeout or a crashed upstream would. */
  abort(): void {
    this.res.destroy();
  }
}

/** Time a non-streamed answer takes: first token, then the rest at the model's rate. */
export function nonStreamingDelay(pace: Pace, outputTokens: number): Promise<void> {
  return sleep(pace.ttftMs + outputTokens * pace.msPerToken);
}
