import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { vetWebhookTarget, WebhookTargetError, type Resolver } from './ssrf-guard.ts';

/** One POST to a webhook receiver: vetted, pinned to the vetted address, never following redirects. */

export const DELIVERY_TIMEOUT_MS = 15_000;
/** Receivers sometimes answer with a page; we keep only this much of it for the delivery log. */
const MAX_RESPONSE_BYTES = 4096;

export interface DeliveryResult {
  statusCode: number | null;
  /** Seconds the receiver asked us to wait (`Retry-After`), when it said. */
  retryAfterSeconds: number | null;
  error: string;
  durationMs: number;
}

export interface PostOptions {
  allowPrivate: boolean;
  timeoutMs?: number;
  resolve?: Resolver;
  now?: () => Date;
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

export async function postWebhook(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target;
  try {
    target = await vetWebhookTarget(rawUrl, options.resolve ? { allowPrivate: options.allowPrivate, resolve: options.resolve } : { allowPrivate: options.allowPrivate });
  } catch (error) {
    const message = error instanceof WebhookTargetError ? error.message : String(error);
    return { statusCode: null, retryAfterSeconds: null, error: message, durationMs: elapsed() };
  }
  // Node calls `lookup` only for names; answering with the vetted address closes the rebinding window.
  const pinned: LookupFunction = (_hostname, opts, callback) => {
    if (opts.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  return new Promise<DeliveryResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<DeliveryResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: elapsed() });
    };
    const req = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Sightline-Webhooks/1',
          ...headers,
        },
      },
      (res) => {
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          kept += chunk.length;
          if (kept > MAX_RESPONSE_BYTES) res.destroy();
        });
        const done = () => {
          const status = res.statusCode ?? null;
          const retryHeader = res.headers['retry-after'];
          finish({
            statusCode: status,
            retryAfterSeconds: parseRetryAfter(Array.isArray(retryHeader) ? retryHeader[0] : retryHeader, options.now?.() ?? new Date()),
            error: status !== null && status >= 200 && status < 300 ? '' : `HTTP ${status ?? '?'}`,
          });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    // One wall-clock budget for connect, send and response, as the spec's 15 s timeout means.
    const timer = setTimeout(() => {
      finish({ statusCode: null, retryAfterSeconds: null, error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish({ statusCode: null, retryAfterSeconds: null, error: error.message }));
    req.end(body);
  });
}
