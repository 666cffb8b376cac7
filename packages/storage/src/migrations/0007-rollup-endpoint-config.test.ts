import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { migrate } from '../migrate.ts';
import { openDriver } from '../open-driver.ts';
import { makeSpanRow } from '../queries/span-row-fixture.ts';
import { insertSpans } from '../spans/insert-spans.ts';
import { createMigrationContext } from './context.ts';
import { MIGRATIONS } from './index.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-0007-'));
let driver: Driver;
beforeAll(async () => {
  driver = await openDriver({ mode: 'embedded', dataDir });
});
afterAll(async () => {
  await driver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const span = (i: number, attrs: Record<string, string>, parent = 'ab12cd34ef56ab78') =>
  makeSpanRow({
    ProjectId: 'p_upgrade',
    TraceId: `${i}`.padStart(32, '0'),
    SpanId: `${i}`.padStart(16, '0'),
    ParentSpanId: parent,
    SpanName: `span ${i}`,
    CostNanos: 1_000 * (i + 1),
    SpanAttributes: attrs,
  });
const byEndpoint = async (table: string) =>
  driver.query<{ Endpoint: string; ConfigVersion: string; calls: number; cost: number }>(
    `SELECT Endpoint, ConfigVersion, sum(Calls) AS calls, sum(CostNanos) AS cost FROM ${table}
     WHERE ProjectId = 'p_upgrade' GROUP BY Endpoint, ConfigVersion ORDER BY Endpoint, ConfigVersion`,
  );

describe('migration 0007 on a database that has data', () => {
  it('adds endpoint and config version to spans and rollups, from then on, and can run again', async () => {
    const before = MIGRATIONS.filter((m) => m.id !== '0007-rollup-endpoint-config');
    await migrate(driver, {}, before);
    const tagged = { 'sightline.endpoint': 'POST /chat', 'sightline.config.version': 'cfg-7' };
    await insertSpans(driver, [span(0, tagged), span(1, {}, '')]);

    expect((await migrate(driver)).applied).toEqual(['0007-rollup-endpoint-config']);
    // Running the statements a second time (two servers upgrading at once) changes nothing.
    const [m0007] = MIGRATIONS.filter((m) => m.id === '0007-rollup-endpoint-config');
    for (const sql of m0007?.up(createMigrationContext({ database: driver.database })) ?? []) await driver.command(sql);

    // Spans written before: the columns are computed when read.
    expect(await driver.query(`SELECT SpanId, Endpoint, ConfigVersion FROM spans WHERE ProjectId = 'p_upgrade' ORDER BY SpanId`)).toEqual([
      { SpanId: '0000000000000000', Endpoint: 'POST /chat', ConfigVersion: 'cfg-7' },
      { SpanId: '0000000000000001', Endpoint: 'span 1', ConfigVersion: '' },
    ]);
    await insertSpans(driver, [span(2, tagged), span(3, { 'sightline.endpoint': 'answer-ticket' }), span(4, {}), span(5, {}, '')]);
    for (const table of ['rollup_hourly', 'rollup_minutely']) {
      expect(await byEndpoint(table)).toEqual([
        // Rollup rows written before the upgrade keep no endpoint; the views fill it from then on.
        { Endpoint: '', ConfigVersion: '', calls: 3, cost: 1_000 + 2_000 + 5_000 },
        { Endpoint: 'POST /chat', ConfigVersion: 'cfg-7', calls: 1, cost: 3_000 },
        { Endpoint: 'answer-ticket', ConfigVersion: '', calls: 1, cost: 4_000 },
        { Endpoint: 'span 5', ConfigVersion: '', calls: 1, cost: 6_000 },
      ]);
    }
    const [create] = await driver.query<{ statement: string }>('SHOW CREATE TABLE rollup_hourly');
    expect(create?.statement).toMatch(/ORDER BY \(ProjectId, Bucket, .*ServiceTier, Endpoint, ConfigVersion\)/);
    expect(create?.statement).toMatch(/PROJECTION by_endpoint[\s\S]*GROUP BY[\s\S]*Endpoint,\s*ConfigVersion/);
    // without_user keeps its keys, for the cuts by neither.
    const withoutUser = create?.statement.split('PROJECTION ').find((part) => part.startsWith('without_user'));
    expect(withoutUser).toMatch(/GROUP BY[\s\S]*ServiceTier/);
    expect(withoutUser).not.toContain('Endpoint');
  });
});
