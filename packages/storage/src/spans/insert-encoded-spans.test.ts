import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { migrate } from '../migrate.ts';
import { openDriver } from '../open-driver.ts';
import { makeSpanRow } from '../queries/span-row-fixture.ts';
import { SPAN_INSERT_COLUMNS, encodeSpan, joinLines } from './encoded-span.ts';
import { forgetRecentSpanKeys, insertEncodedSpans } from './insert-spans.ts';

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
});
