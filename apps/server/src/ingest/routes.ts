import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import { errorMessage, type Logger } from '../ops/log.ts';
import type { IngestMetrics } from '../ops/metrics.ts';
import type { DecodedExportRequest } from './decoded-span.ts';
import { OtlpDecodeError } from './decode-error.ts';
import type { DurableIngest } from './durable-ingest.ts';
import { decodeOtlpJson } from './json-decode.ts';
import { CONTENT_TYPE, exportResponse, RPC_CODE, rpcStatus, type OtlpFormat } from './otlp-response.ts';
import { decodeOtlpProtobuf } from './protobuf-decode.ts';
import { BadEncodingError, BodyTooLargeError, MAX_BODY_BYTES, readBody } from './read-body.ts';
import { toRows, type Normaliser } from './to-rows.ts';

export interface IngestDeps {
  ingest: DurableIngest;
  /** The normaliser of a project (its price book may differ from another project's). */
  normaliserFor: (projectId: string) => Normaliser | Promise<Normaliser>;
  metrics: IngestMetrics;
  logger: Logger;
  maxBodyBytes?: number;
  /** Export requests handled at once; past it, 429 at once rather than an ever longer queue. */
  maxConcurrentRequests?: number;
}

/**
 * `POST /v1/traces` per the OTLP/HTTP spec. Errors are answered here rather than by app.onError:
 * OTLP clients expect a `google.rpc.Status` in the encoding they sent, not our JSON error shape.
 */
export function createIngestRoutes(deps: IngestDeps) {
  const limit = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  const maxActive = deps.maxConcurrentRequests ?? 64;
  let active = 0;
  return new Hono<AppEnv>().post('/traces', async (c) => {
    if (active >= maxActive) {
      deps.metrics.requests(1, { code: '429' });
      const format = formatOf(c.req.header('content-type')) ?? 'json';
      return c.body(rpcStatus(format, RPC_CODE.resourceExhausted, 'too many export requests in progress; retry later') as string, 429, {
        'content-type': CONTENT_TYPE[format],
        'retry-after': '1',
      });
    }
    active += 1;
    try {
      return await handle(c);
    } finally {
      active -= 1;
    }
  });

  async function handle(c: Context<AppEnv>): Promise<Response> {
    const format = formatOf(c.req.header('content-type'));
    const reply = (status: 200 | 400 | 413 | 415 | 429 | 503, body: Uint8Array | string, retryAfter?: number): Response => {
      deps.metrics.requests(1, { code: String(status) });
      const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[format ?? 'json'] };
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
      return c.body(body as string, status, headers);
    };
    if (format === null) {
      return reply(415, rpcStatus('json', RPC_CODE.invalidArgument, 'unsupported content type: send application/x-protobuf or application/json'));
    }
    const encoding = encodingOf(c.req.header('content-encoding'));
    if (encoding === null) {
      return reply(415, rpcStatus(format, RPC_CODE.invalidArgument, 'unsupported content encoding: send gzip or none'));
    }
    const declared = Number(c.req.header('content-length'));
    if (encoding === 'identity' && declared > limit) {
      return reply(413, rpcStatus(format, RPC_CODE.invalidArgument, `body exceeds ${limit} bytes`));
    }
    try {
      deps.ingest.checkCapacity();
      const projectId = c.get('projectId');
      const normalise = await normaliserOf(deps, projectId);
      const body = await readBody(c.req.raw.body, encoding, limit);
      const { durable, partial } = intake(deps, format, body, projectId, normalise);
      await durable;
      return reply(200, exportResponse(format, partial));
    } catch (err) {
      return errorReply(c, err, format, limit, reply, deps.logger);
    }
  }
}

/**
 * Decode → normalise → hand to the durable ingest, synchronously. Only the promise and the summary
 * leave this frame: the decoded request and the span rows (~5 KB of strings per span) become garbage
 * here, before the request waits for durability, instead of surviving young-generation collections
 * for the whole wait (which cost more GC time than the decoding itself).
 */
function intake(deps: IngestDeps, format: OtlpFormat, body: Buffer, projectId: string, normalise: Normaliser) {
  const result = toRows(decode(format, body), projectId, normalise, deps.metrics, deps.logger);
  deps.metrics.received(result.received);
  if (result.rejected.length > 0) deps.metrics.rejected(result.rejected.length);
  const durable = deps.ingest.accept(result.rows);
  const partial = result.rejected.length > 0 ? { rejectedSpans: result.rejected.length, errorMessage: summarise(result.rejected) } : null;
  return { durable, partial };
}

function errorReply(
  c: Context<AppEnv>,
  err: unknown,
  format: OtlpFormat,
  limit: number,
  reply: (status: 200 | 400 | 413 | 415 | 429 | 503, body: Uint8Array | string, retryAfter?: number) => Response,
  logger: Logger,
): Response {
  if (err instanceof BodyTooLargeError) return reply(413, rpcStatus(format, RPC_CODE.invalidArgument, `body exceeds ${limit} bytes after decompression`));
  if (err instanceof OtlpDecodeError || err instanceof BadEncodingError) return reply(400, rpcStatus(format, RPC_CODE.invalidArgument, err.message));
  if (err instanceof AppError && (err.code === 'too_many_requests' || err.code === 'unavailable')) {
    const code = err.code === 'too_many_requests' ? RPC_CODE.resourceExhausted : RPC_CODE.unavailable;
    return reply(err.status as 429 | 503, rpcStatus(format, code, err.message), err.retryAfterSeconds ?? 1);
  }
  // Not durable and not the sender's fault (e.g. the spool disk failed): ask for a retry, never 200.
  logger.log('error', 'ingest.failed', { error: errorMessage(err), projectId: c.get('projectId') });
  return reply(503, rpcStatus(format, RPC_CODE.unavailable, 'could not store the batch durably; retry'), 2);
}

function normaliserOf(deps: IngestDeps, projectId: string): Normaliser | Promise<Normaliser> {
  return deps.normaliserFor(projectId);
}

function decode(format: OtlpFormat, body: Buffer): DecodedExportRequest {
  if (format === 'protobuf') return decodeOtlpProtobuf(body);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (err) {
    throw new OtlpDecodeError('JSON body is not valid UTF-8', { cause: err });
  }
  return decodeOtlpJson(text);
}

function formatOf(contentType: string | undefined): OtlpFormat | null {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

function encodingOf(header: string | undefined): 'gzip' | 'identity' | null {
  const value = header?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  return null;
}

function summarise(rejected: { spanId: string; reason: string }[]): string {
  const first = rejected.slice(0, 3).map((r) => r.reason);
  const more = rejected.length > 3 ? ` (and ${rejected.length - 3} more)` : '';
  return `${rejected.length} span(s) rejected: ${first.join('; ')}${more}`;
}
