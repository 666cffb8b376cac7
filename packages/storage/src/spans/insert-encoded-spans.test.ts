import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { migrate } from '../migrate.ts';
import { openDriver } from '../open-driver.ts';
import { makeSpanRow } from '../queries/span-row-fixture.ts';
import { SPAN_INSERT_COLUMNS, encodeSpan, joinLines } from './encoded-span.ts';
import { configureSpanDedup, forgetRecentSpanKeys, insertEncodedSpans } from './insert-spans.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-encoded-'));
let driver: Driver;
beforeAll(async () => {
  driver = await openDriver({ mode: 'embedded', dataDir });
  await migrate(driver);
});
afterAll(async () => {
  await driver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const spans = (project: string, n: number) =>
  Array.from({ length: n }, (_, i) => encodeSpan(makeSpanRow({ ProjectId: project, TraceId: 'a'.repeat(31) + (i % 10), SpanId: `${i}`.padStart(16, '0') })));
const count = async (project: string) =>
  Number((await driver.query<{ n: number }>('SELECT count() AS n FROM spans WHERE ProjectId = {p:String}', { p: project }))[0]?.n);

describe('encoded span inserts', () => {
  it('store encoded lines as rows and drop repeats, also after the in-memory key set is forgotten', async () => {
    const batch = spans('enc-a', 20);
    expect(await insertEncodedSpans(driver, batch, { dedupToken: 't1' })).toEqual({ inserted: 20, duplicates: 0 });
    expect(await insertEncodedSpans(driver, batch, { dedupToken: 't1' })).toEqual({ inserted: 0, duplicates: 20 });
    forgetRecentSpanKeys(driver);
    expect((await insertEncodedSpans(driver, batch, { dedupToken: 't1' })).inserted).toBe(0);
    expect(await count('enc-a')).toBe(20);
  });

  it('a synchronous insert with the same token is dropped by the engine itself (async_insert off)', async () => {
    const payload = joinLines(spans('enc-b', 5));
    await driver.insertLines('spans', SPAN_INSERT_COLUMNS, payload, { dedupToken: 'same-token' });
    await driver.insertLines('spans', SPAN_INSERT_COLUMNS, payload, { dedupToken: 'same-token' });
    expect(await count('enc-b')).toBe(5);
  });

  it('under a full key memory, looks up only spans that started in the seconds of forgotten ones', async () => {
    // The real driver, counting the look-ups of stored span keys.
    let lookups = 0;
    const counting = (): Driver => ({
      kind: driver.kind,
      database: driver.database,
      query: (sql, params) => {
        if (sql.includes('SpanId IN')) lookups++;
        return driver.query(sql, params);
      },
      insert: (table, rows, opts) => driver.insert(table, rows, opts),
      insertLines: (table, columns, payload, opts) => driver.insertLines(table, columns, payload, opts),
      command: (sql, params) => driver.command(sql, params),
      ping: () => driver.ping(),
      close: async () => undefined,
    });
    const base = Date.now() - 180_000;
    const span = (i: number, startMs = base + i * 1000) =>
      encodeSpan(makeSpanRow({ ProjectId: 'enc-c', TraceId: 'c'.repeat(28) + String(i).padStart(4, '0'), SpanId: String(i).padStart(16, '0'), startMs }));
    const batch = (from: number) => Array.from({ length: 10 }, (_, i) => span(from + i));

    const first = counting();
    // Room for one batch: each batch forgets the one before it.
    configureSpanDedup(first, { maxKeys: 10 });
    for (const from of [0, 10, 20]) expect(await insertEncodedSpans(first, batch(from))).toEqual({ inserted: 10, duplicates: 0 });
    expect(lookups).toBe(0);
    // A forgotten batch delivered again is caught by a look-up.
    expect(await insertEncodedSpans(first, batch(0))).toEqual({ inserted: 0, duplicates: 10 });
    expect(lookups).toBe(1);
    // So is a new span that started in a forgotten span's second; it is written.
    expect(await insertEncodedSpans(first, [span(100, base + 5_500)])).toEqual({ inserted: 1, duplicates: 0 });
    expect(lookups).toBe(2);

    // A restart whose warm-up fills the memory: what it could not load counts as forgotten, by second.
    const restarted = counting();
    configureSpanDedup(restarted, { maxKeys: 10 });
    expect(await insertEncodedSpans(restarted, batch(30))).toEqual({ inserted: 10, duplicates: 0 });
    expect(lookups).toBe(2);
    expect(await insertEncodedSpans(restarted, batch(10))).toEqual({ inserted: 0, duplicates: 10 });
    expect(lookups).toBe(3);
    expect(await count('enc-c')).toBe(41);
  });
});
