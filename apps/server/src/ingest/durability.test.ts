import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanRow } from '@sightline/contracts';
import { silentLogger } from '../ops/log.ts';
import { createIngestMetrics, Metrics } from '../ops/metrics.ts';
import { DeadLetterStore } from '../spool/dead-letter.ts';
import { Spool } from '../spool/spool.ts';
import { storageSink } from '../spool/storage-sink.ts';
import { SpoolWriter } from '../spool/writer.ts';
import { createPriceBook } from '@sightline/pricing';
import { normaliseResourceSpans } from '../normalise/index.ts';
import { encodeProtobuf, exportRequest, llmSpan } from './otlp-fixtures.ts';
import { startTestServer, type TestServer } from './test-support.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ faultInjection: 'true', spoolHighWaterMb: '1', readinessStallMs: '1500' });
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
const pauseStorage = (paused: boolean) =>
  fetch(`${server.url}/ops/fault/storage`, { method: 'POST', body: JSON.stringify({ paused }), headers: { 'content-type': 'application/json' } });
const metric = async (name: string) => Number(new RegExp(`^${name} ([\\d.]+)`, 'm').exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);

async function until(cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('durability while ClickHouse is down', () => {
  it('acknowledges into the spool, refuses with 503 past the high-water mark, then drains everything exactly once', async () => {
    const before = await server.countSpans();
    expect((await pauseStorage(true)).status).toBe(200);
    let acknowledged = 0;
    let refused: Response | null = null;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await send(50);
      if (res.status === 200) acknowledged += 50;
      else refused = res;
    }
    // ~4.6 KB spans: a 1 MiB spool fills within a few batches, and then ingest pushes back.
    expect(acknowledged).toBeGreaterThanOrEqual(100);
    expect(refused?.status).toBe(503);
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(await metric('sightline_spool_bytes')).toBeGreaterThan(1024 * 1024);
    expect(await server.countSpans()).toBe(before);

    // No writer progress past the (shortened) stall limit: not ready.
    await until(async () => (await fetch(`${server.url}/readyz`)).status === 503, 10_000);

    await pauseStorage(false);
    await until(async () => (await metric('sightline_spool_bytes')) === 0);
    expect(await server.countSpans()).toBe(before + acknowledged);
    expect(await server.duplicateCount()).toBe(0);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await send(10)).status).toBe(200);
  });
});

describe('dead letters', () => {
  it('keeps a row ClickHouse refuses, with its reason, and stores the rest of its batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-dl-'));
    const spool = new Spool(join(dir, 'spool'));
    spool.open();
    const deadLetters = new DeadLetterStore(join(dir, 'dead'));
    const metrics = createIngestMetrics(new Metrics());
    const writer = new SpoolWriter(spool, storageSink(server.driver), deadLetters, metrics, silentLogger);
    const rows = normaliseResourceSpans(exportRequest([llmSpan(1), llmSpan(2), llmSpan(3), llmSpan(4)]).resourceSpans[0]!, { projectId: 'dead-letter-test', priceBook: createPriceBook() }).rows;
    // One row the store cannot take: a start time that is not a number.
    const bad: SpanRow = { ...rows[2]!, Timestamp: 'yesterday' };
    await spool.append([rows[0]!, rows[1]!, bad, rows[3]!]);
    await writer.drain();
    expect(await server.countSpans('dead-letter-test')).toBe(3);
    expect(deadLetters.count).toBe(1);
    const line = JSON.parse(readFileSync(deadLetters.file, 'utf8').trim()) as { reason: string; row: SpanRow };
    expect(line.row.SpanId).toBe(bad.SpanId);
    expect(line.reason).toMatch(/Timestamp/);
    expect(spool.pendingBytes()).toBe(0);
    spool.close();
  });
});
