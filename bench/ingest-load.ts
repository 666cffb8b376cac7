// Load generator for bench/ingest.ts, run in its own process so the server under test keeps its
// cores to itself as far as a 2-core box allows. Sends OTLP protobuf batches of ~4.6 KB LLM spans,
// every span with a unique id, and prints one JSON line of figures on stdout.
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { encodeProtobuf, exportRequest, llmSpan } from '../apps/server/src/ingest/otlp-fixtures.ts';

export interface LoadOptions {
  url: string;
  key: string;
  spans: number;
  spansPerRequest: number;
  concurrency: number;
  /** Marks ids so separate runs against one store never collide. */
  runTag: number;
  /** HTTP client: node:http with keep-alive (default; cheapest per request) or fetch (undici). */
  client?: 'http' | 'fetch';
}

export interface LoadResult {
  sent: number;
  acknowledged: number;
  retried: number;
  failed: number;
  startedAtMs: number;
  lastAckAtMs: number;
  latenciesMs: number[];
  bodyBytes: number;
  /** CPU (user + system) the load process spent from its first request to its last answer, µs. */
  cpuUs?: number;
}

/**
 * A template body plus the byte offsets of every span id and start/end time in it, so each request
 * is a copy with new ids and times.
 */
export interface BodyTemplate {
  body: Buffer;
  spanIdOffsets: number[];
  /** Offsets of each span's start and end (fixed64, little-endian nanoseconds). */
  timeOffsets: Array<[number, number]>;
  /** Each span's duration in nanoseconds. */
  durationsNs: bigint[];
}

export function bodyTemplate(spansPerRequest: number): BodyTemplate {
  const spans = Array.from({ length: spansPerRequest }, (_, i) => llmSpan(i));
  const body = Buffer.from(encodeProtobuf(exportRequest(spans)));
  const spanIdOffsets = spans.map((s) => body.indexOf(Buffer.from(s.spanId, 'hex')));
  if (spanIdOffsets.some((o) => o < 0)) throw new Error('span id not found in template');
  const fixed64 = (ns: string): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(ns));
    return b;
  };
  // Start and end follow the span id in field order (OTLP Span fields 7 and 8).
  const timeOffsets = spans.map((s, i): [number, number] => [
    body.indexOf(fixed64(s.startTimeUnixNano), spanIdOffsets[i]),
    body.indexOf(fixed64(s.endTimeUnixNano), spanIdOffsets[i]),
  ]);
  if (timeOffsets.some(([start, end]) => start < 0 || end < 0)) throw new Error('span times not found in template');
  const durationsNs = spans.map((s) => BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano));
  return { body, spanIdOffsets, timeOffsets, durationsNs };
}

export function stampedBody(t: BodyTemplate, runTag: number, request: number): Buffer {
  return stampInPlace(Buffer.from(t.body), t, runTag, request);
}

/**
 * Writes the ids of `request` into a copy of the template (a buffer reused across requests), and
 * times as of now: spans that ended just before they were sent, as an exporter sends them.
 */
function stampInPlace(b: Buffer, t: BodyTemplate, runTag: number, request: number): Buffer {
  // First 4 bytes: run tag + request number; the other 4 stay random per span within the template.
  for (const off of t.spanIdOffsets) {
    b.writeUInt8(runTag & 0xff, off);
    b.writeUIntBE(request & 0xffffff, off + 1, 3);
  }
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < t.timeOffsets.length; i++) {
    const [startAt, endAt] = t.timeOffsets[i] as [number, number];
    const duration = t.durationsNs[i] as bigint;
    const end = nowNs - BigInt(i) * 1000n;
    b.writeBigUInt64LE(end - duration, startAt);
    b.writeBigUInt64LE(end, endAt);
  }
  return b;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const template = bodyTemplate(o.spansPerRequest);
  const requests = Math.ceil(o.spans / o.spansPerRequest);
  const result: LoadResult = { sent: 0, acknowledged: 0, retried: 0, failed: 0, startedAtMs: Date.now(), lastAckAtMs: 0, latenciesMs: [], bodyBytes: template.body.length };
  const headers = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${o.key}` };
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const url = new URL('/v1/traces', o.url);
  const send = (body: Buffer): Promise<{ status: number; retryAfter: string | null }> =>
    o.client === 'fetch'
      ? fetch(url, { method: 'POST', body, headers }).then(async (res) => {
          await res.arrayBuffer();
          return { status: res.status, retryAfter: res.headers.get('retry-after') };
        })
      : new Promise((resolve, reject) => {
          const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': body.byteLength } }, (res) => {
            res.on('data', () => undefined);
            res.once('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null }));
            res.once('error', reject);
          });
          req.once('error', reject);
          req.end(body);
        });
  const cpu0 = process.cpuUsage();
  let next = 0;
  const worker = async (): Promise<void> => {
    // One body per worker, re-stamped in place for each request: the generator shares the cores
    // with the server, so it should not spend them copying 1.2 MB per request.
    const body = Buffer.from(template.body);
    for (let r = next++; r < requests; r = next++) {
      stampInPlace(body, template, o.runTag, r);
      for (;;) {
        const t0 = performance.now();
        const res = await send(body);
        result.latenciesMs.push(performance.now() - t0);
        if (res.status === 200) {
          result.sent += o.spansPerRequest;
          result.acknowledged += o.spansPerRequest;
          result.lastAckAtMs = Date.now();
          break;
        }
        if (res.status === 429 || res.status === 503) {
          result.retried += 1;
          await new Promise((w) => setTimeout(w, Number(res.retryAfter ?? '1') * 1000));
          continue;
        }
        result.failed += o.spansPerRequest;
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  agent.destroy();
  const cpu = process.cpuUsage(cpu0);
  result.cpuUs = cpu.user + cpu.system;
  return result;
}

if (process.argv[2] === '--child') {
  const opts = JSON.parse(process.argv[3] ?? '{}') as LoadOptions;
  const r = await runLoad(opts);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
