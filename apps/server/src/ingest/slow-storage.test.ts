import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJson, encodeProtobuf, exportRequest, llmSpan } from './otlp-fixtures.ts';
import { startTestServer, type TestServer } from './test-support.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ faultInjection: 'true', insertTimeoutMs: '400', maxQueuedRows: '400', flushDelayMs: '5', maxConcurrentRequests: '6' });
});
afterAll(async () => {
  await server?.close();
});

const send = (n: number) =>
  fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    body: encodeProtobuf(exportRequest(Array.from({ length: n }, (_, i) => llmSpan(i)))),
    headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${server.key}` },
  });
const fault = (body: object) => fetch(`${server.url}/ops/fault/storage`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const metric = async (name: string) => Number(new RegExp(`^${name} ([\\d.]+)`, 'm').exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);

describe('a slow ClickHouse', () => {
  it('acknowledges from the spool once an insert overruns its timeout, and the late insert plus the spool replay store each span once', async () => {
    await fault({ delayMs: 2000 });
    const t0 = Date.now();
    const res = await send(50);
    expect(res.status).toBe(200);
    // Durable in the spool long before the 2 s insert would have finished.
    expect(Date.now() - t0).toBeLessThan(1900);
    expect(await metric('sightline_spans_spooled_total')).toBe(50);
    await fault({ delayMs: 0 });
    const deadline = Date.now() + 30_000;
    while ((await metric('sightline_spool_bytes')) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2500)); // let the overrun insert land too
    expect(await server.countSpans()).toBe(50);
    expect(await server.duplicateCount()).toBe(0);
  });

  it('answers 429 with Retry-After when more rows wait in memory than allowed', async () => {
    await fault({ delayMs: 3000 });
    // One batch over the cap goes in alone; its direct insert is held 3 s and times out only after
    // 400 ms, so its 500 rows wait in memory meanwhile.
    const first = send(500);
    const deadline = Date.now() + 10_000;
    while ((await metric('sightline_ingest_pending_rows')) < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const refused = await send(10);
    await fault({ delayMs: 0 });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    // The held batch itself is not lost: it goes to the spool once its insert overruns.
    expect((await first).status).toBe(200);
  });

  it('answers 429 at once when more export requests are in progress than allowed', async () => {
    // Bodies that trickle in over 1.5 s keep their requests in progress, so the limit of 6 is reached.
    const slowBody = () => {
      const bytes = Buffer.from(encodeJson(exportRequest([llmSpan(1)])));
      return new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(bytes.subarray(0, 10));
          await new Promise((r) => setTimeout(r, 1500));
          controller.enqueue(bytes.subarray(10));
          controller.close();
        },
      });
    };
    const sendSlow = () =>
      fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        body: slowBody(),
        duplex: 'half',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.key}` },
      } as RequestInit);
    const results = await Promise.all(Array.from({ length: 10 }, sendSlow));
    const refused = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(6);
    expect(refused).toHaveLength(4);
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(((await refused[0]!.json()) as { message: string }).message).toMatch(/too many export requests/);
  });
});
