import http from 'node:http';
import https from 'node:https';
import { gzip } from 'node:zlib';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { dropCounters, reportInternal } from '../diagnostics.ts';
import { estimateSpanBytes, type UntracedTransport } from './bounded-processor.ts';
import { encodeTraceRequestInSlices } from './otlp-proto-encode.ts';
import { ProtoWriter } from './proto-writer.ts';
import { readPartialSuccess } from './otlp-response.ts';

export interface ProtoExporterOptions {
  url: string;
  headers?: Record<string, string>;
  /** `gzip` compresses at level 1 (level 6 costs ~6x the CPU for a few % of size). */
  compression?: 'gzip' | 'none';
  /** Budget of one export including its retries, as the stock exporter's. Default 10 s. */
  timeoutMillis?: number;
  /** Upper bound of one request body before compression. Default 1 MiB. */
  maxRequestBytes?: number;
}

// Retry schedule of the stock OTLP exporter, so collectors tuned for it see the same behaviour.
const MAX_ATTEMPTS = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
const MAX_RESPONSE_BYTES = 64 * 1024;
// Spans encoded per event-loop turn: ~0.25 ms of encoding with 2 KB prompts and answers.
const ENCODE_SLICE_SPANS = 32;
const nextTurn = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

type Request = typeof http.request;

/**
 * `request` as Node defines it, from under any instrumentation's wrapper (OpenTelemetry's HTTP
 * instrumentation wraps it with shimmer, which keeps the wrapped function as `__original`): the
 * exporter's own requests are never recorded as spans, whatever context they run in.
 */
function unpatchedRequest(mod: typeof http | typeof https): Request {
  let fn = mod.request as Request & { __original?: unknown };
  for (let depth = 0; depth < 8 && typeof fn.__original === 'function'; depth++) fn = fn.__original as Request & { __original?: unknown };
  return fn;
}

type Attempt = { ok: true; body: Buffer; contentType: string } | { ok: false; retryable: boolean; retryAfterMs?: number | undefined; error: Error };

/**
 * OTLP/HTTP protobuf span exporter. Encodes spans straight into one reused buffer (no OTLP object
 * graph, strings written natively), splits a batch into requests of bounded size so each encode
 * slice stays short, keeps connections alive, honours `Retry-After` within a bounded budget, reads
 * `partial_success`, and never throws: every outcome reaches the callback once. `init()` uses it by
 * default; it also works in any OpenTelemetry pipeline.
 *
 * @example
 * ```ts
 * import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
 * import { SightlineProtoExporter } from '@sightline/sdk';
 * const processor = new BatchSpanProcessor(new SightlineProtoExporter({ url: 'http://localhost:4318/v1/traces' }));
 * ```
 */
export class SightlineProtoExporter implements SpanExporter, UntracedTransport {
  /** Its requests bypass HTTP instrumentation, so its spans never trace their own export. */
  readonly untracedTransport = true;
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  // Writers are reused across exports, each held until its request (and retries) finished: a body
  // may sit in a socket's queue after `end()`, and retries resend it.
  private readonly writers: ProtoWriter[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: ProtoExporterOptions) {
    this.url = new URL(options.url);
    const secure = this.url.protocol === 'https:';
    this.agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 4 });
    this.headers = { ...options.headers, 'Content-Type': 'application/x-protobuf' };
    if (options.compression === 'gzip') this.headers['Content-Encoding'] = 'gzip';
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const report = (result: ExportResult): void => {
      try {
        resultCallback(result);
      } catch (err) {
        // The processor's callback threw: nothing may escape as an unhandled rejection.
        reportInternal('export result callback', err);
      }
    };
    const task = this.exportAll(spans).then(report, (err: unknown) =>
      report({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) }),
    );
    this.inflight.add(task);
    void task.finally(() => this.inflight.delete(task));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.inflight]);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.forceFlush();
    this.agent.destroy();
  }

  private async exportAll(spans: ReadableSpan[]): Promise<ExportResult> {
    const limit = this.options.maxRequestBytes ?? 1024 * 1024;
    let from = 0;
    let error: Error | undefined;
    while (from < spans.length) {
      let to = from + 1;
      let bytes = estimateSpanBytes(spans[from] as ReadableSpan);
      // Each span is sized once: a span that does not fit opens the next request.
      for (; to < spans.length; to++) {
        const size = estimateSpanBytes(spans[to] as ReadableSpan);
        if (bytes + size > limit) break;
        bytes += size;
      }
      // Yield between requests: one batch never holds the event loop for more than one slice.
      if (from > 0) await nextTurn();
      const err = await this.sendSlice(spans.slice(from, to));
      if (err) error = err;
      from = to;
    }
    return error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS };
  }

  private async sendSlice(spans: ReadableSpan[]): Promise<Error | undefined> {
    const writer = this.writers.pop() ?? new ProtoWriter();
    try {
      let body = await encodeTraceRequestInSlices(spans, writer, ENCODE_SLICE_SPANS, nextTurn);
      if (this.options.compression === 'gzip') body = await gzipLevel1(body);
      return await this.send(body);
    } finally {
      if (this.writers.length < 2) this.writers.push(writer);
    }
  }

  private async send(body: Buffer): Promise<Error | undefined> {
    const deadline = Date.now() + (this.options.timeoutMillis ?? 10_000);
    let backoff = INITIAL_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      const res = await this.post(body, Math.max(1, deadline - Date.now()));
      if (res.ok) {
        this.checkPartialSuccess(res.body, res.contentType);
        return undefined;
      }
      if (!res.retryable || attempt >= MAX_ATTEMPTS) return res.error;
      const jittered = Math.min(backoff * (0.8 + Math.random() * 0.4), MAX_BACKOFF_MS);
      backoff *= 1.5;
      const wait = res.retryAfterMs ?? jittered;
      if (wait > deadline - Date.now()) return res.error;
      await new Promise((r) => setTimeout(r, wait).unref());
    }
  }

  private checkPartialSuccess(body: Buffer, contentType: string): void {
    try {
      const partial = readPartialSuccess(body, contentType);
      if (partial && partial.rejectedSpans > 0) {
        dropCounters.spansRejectedByServer += partial.rejectedSpans;
        reportInternal('collector rejected spans', new Error(`${partial.rejectedSpans} rejected: ${partial.errorMessage.slice(0, 200)}`));
      }
    } catch (err) {
      // A 2xx whose body is not an OTLP response: the spans were accepted, the body is noise.
      reportInternal('reading the export response', err);
    }
  }

  private post(body: Buffer, timeoutMs: number): Promise<Attempt> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (a: Attempt): void => {
        if (!settled) {
          settled = true;
          resolve(a);
        }
      };
      try {
        const req = unpatchedRequest(this.url.protocol === 'https:' ? https : http)(this.url, {
          method: 'POST',
          agent: this.agent,
          headers: { ...this.headers, 'Content-Length': String(body.length) },
          timeout: timeoutMs,
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
          });
          res.on('error', (err) => done({ ok: false, retryable: true, error: err }));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return done({ ok: true, body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? '') });
            done({ ok: false, retryable: RETRYABLE_STATUS.has(status), retryAfterMs: parseRetryAfter(res.headers['retry-after']), error: new Error(`OTLP export failed with HTTP ${status}`) });
          });
        });
        req.on('timeout', () => req.destroy(Object.assign(new Error('OTLP export timed out'), { code: 'ETIMEDOUT' })));
        req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, retryable: RETRYABLE_NET.has(err.code ?? ''), error: err }));
        req.end(body);
      } catch (err) {
        done({ ok: false, retryable: false, error: err instanceof Error ? err : new Error(String(err)) });
      }
    });
  }
}

/** `Retry-After` in seconds or as an HTTP date, in ms from now; undefined when absent or invalid. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function gzipLevel1(body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => gzip(body, { level: 1 }, (err, out) => (err ? reject(err) : resolve(out))));
}
