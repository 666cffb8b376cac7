import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { migrate } from '../migrate.ts';
import { openDriver } from '../open-driver.ts';
import { MIGRATIONS } from './index.ts';
import type { Migration } from './migration.ts';
import { SPANS_MERGE_SELECTOR_BASE } from './0007-spans-merge-width.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-merge-width-'));
let driver: Driver;
beforeAll(async () => {
  driver = await openDriver({ mode: 'embedded', dataDir });
});
afterAll(async () => {
  await driver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const createSpans = async () =>
  (await driver.query<{ statement: string }>('SHOW CREATE TABLE spans'))[0]?.statement ?? '';
const recorded = async () =>
  (await driver.query<{ Id: string }>('SELECT Id FROM schema_migrations FINAL ORDER BY Id')).map((r) => r.Id);

describe('0007 spans merge width', () => {
  it('sets the merge selector base of spans', async () => {
    await migrate(driver);
    expect(await createSpans()).toContain(`merge_selector_base = ${SPANS_MERGE_SELECTOR_BASE}`);
  });

  it('leaves a step whose MergeTree setting the engine lacks unapplied and unrecorded, runs the rest, and tries it again next time', async () => {
    const needsUnknown: Migration = {
      id: '0098-needs-unknown-setting',
      description: 'test: a setting no ClickHouse has',
      mergeTreeSettings: ['merge_selector_base', 'sightline_no_such_setting'],
      up: () => ['CREATE TABLE must_not_exist (x UInt8) ENGINE = MergeTree ORDER BY x'],
    };
    const after: Migration = {
      id: '0099-after',
      description: 'test: a plain step after it',
      up: () => ['CREATE TABLE IF NOT EXISTS after_unknown (x UInt8) ENGINE = MergeTree ORDER BY x'],
    };
    const list = [...MIGRATIONS.filter((m) => m.id < '0098'), needsUnknown, after];
    const first = await migrate(driver, {}, list);
    expect(first.unsupported).toEqual(['0098-needs-unknown-setting']);
    expect(first.applied).toEqual(['0099-after']);
    expect(await recorded()).not.toContain('0098-needs-unknown-setting');
    const tables = (await driver.query<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()')).map((t) => t.name);
    expect(tables).toContain('after_unknown');
    expect(tables).not.toContain('must_not_exist');

    const second = await migrate(driver, {}, list);
    expect(second.unsupported).toEqual(['0098-needs-unknown-setting']);
    expect(second.applied).toEqual([]);
  });
});
