import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { migrate } from '../migrate.ts';
import { openDriver } from '../open-driver.ts';
import { makeSpanRow } from '../queries/span-row-fixture.ts';
import { SPAN_INSERT_COLUMNS } from '../spans/encoded-span.ts';
import { insertSpans } from '../spans/insert-spans.ts';
import { encodeSpanBatch, spanPayload } from '../spans/span-batch.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-compact-'));
let driver: Driver;
beforeAll(async () => {
  driver = await openDriver({ mode: 'embedded', dataDir });
  await migrate(driver);
});
afterAll(async () => {
  await driver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// ~13 MB uncompressed: past the 10 MB at which ClickHouse writes a Wide part by default.
const rows = (project: string) =>
  Array.from({ length: 2_500 }, (_, i) =>
    makeSpanRow({ ProjectId: project, TraceId: `${i}`.padStart(32, '0'), SpanId: `${i}`.padStart(16, '0'), InputContent: `${i} `.repeat(1_300) }),
  );
const partTypes = async (table: string) =>
  (await driver.query<{ part_type: string; rows: number }>(
    `SELECT part_type, toUInt64(rows) AS rows FROM system.parts WHERE database = {db:String} AND table = {t:String} AND active ORDER BY name`,
    { db: driver.database, t: table },
  )).map((p) => `${p.part_type}:${p.rows}`);

describe('0006 spans compact parts', () => {
  it('writes an inserted 2,500-span block (13 MB) as one Compact part, where the default writes it Wide', async () => {
    expect((await insertSpans(driver, rows('compact'))).inserted).toBe(2_500);
    expect(await partTypes('spans')).toEqual(['Compact:2500']);

    // The control: the same block into a copy of spans with the threshold back at its default.
    await driver.command('CREATE TABLE spans_wide_control AS spans');
    await driver.command('ALTER TABLE spans_wide_control MODIFY SETTING min_rows_for_wide_part = 0');
    const batch = encodeSpanBatch(rows('wide'));
    try {
      await driver.insertLines('spans_wide_control', SPAN_INSERT_COLUMNS, spanPayload(batch.spans).payload);
    } finally {
      batch.release();
    }
    expect(await partTypes('spans_wide_control')).toEqual(['Wide:2500']);
  });

  it('reads the rows of a Compact part back in full', async () => {
    const [row] = await driver.query<{ n: number; content: number }>(
      `SELECT count() AS n, sum(length(InputContent)) AS content FROM spans WHERE ProjectId = 'compact'`,
    );
    expect(row).toEqual({ n: 2_500, content: rows('compact').reduce((sum, r) => sum + r.InputContent.length, 0) });
  });
});
