import type { Driver } from '@sightline/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../cost/test-support.ts';
import { KeyStore } from './key-store.ts';

let store: Awaited<ReturnType<typeof openTestStore>>;
let driver: Driver;
beforeAll(async () => {
  store = await openTestStore();
  driver = store.driver;
});
afterAll(async () => store?.close());

describe('KeyStore', () => {
  it('does not cache a lookup that read a key across its revocation: the next request is refused', async () => {
    // The real driver, with the lookup's answer held back until the revocation has been written.
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let hold = false;
    const gated: Driver = {
      kind: driver.kind,
      database: driver.database,
      query: async <T>(sql: string, params?: Record<string, unknown>) => {
        const rows = await driver.query<T>(sql, params);
        if (hold && sql.includes('WHERE Hash =')) {
          hold = false;
          await gate;
        }
        return rows;
      },
      insert: (table, rows, opts) => driver.insert(table, rows, opts),
      insertLines: (table, columns, payload, opts) => driver.insertLines(table, columns, payload, opts),
      command: (sql, params) => driver.command(sql, params),
      ping: () => driver.ping(),
      close: () => driver.close(),
    };
    const keys = new KeyStore(gated, 'pepper-for-tests', 60_000);
    await keys.createProject('proj_keys', 'Keys');
    const { key, info } = await keys.createKey('proj_keys', 'ci');

    hold = true;
    const inFlight = keys.resolve(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await keys.revokeKey('proj_keys', info.id)).toBe(true);
    release();
    expect(await inFlight).toBe('proj_keys');
    expect(await keys.resolve(key)).toBeNull();
  });

  it('records when each key was last used, across a restart, without leaking another project’s keys', async () => {
    const keys = new KeyStore(driver, 'pepper-for-tests');
    await keys.createProject('proj_used', 'Used');
    await keys.createProject('proj_other', 'Other');
    const used = await keys.createKey('proj_used', 'ingest');
    const idle = await keys.createKey('proj_used', 'idle');
    const other = await keys.createKey('proj_other', 'other');
    expect(used.info.lastUsedAt).toBeNull();

    const before = Date.now();
    expect(await keys.resolve(used.key)).toBe('proj_used');
    expect(await keys.resolve(other.key)).toBe('proj_other');
    // Known on this server at once, before anything is written.
    const listed = await keys.listKeys('proj_used');
    expect(listed.map((k) => [k.name, k.lastUsedAt === null])).toEqual([['ingest', false], ['idle', true]]);
    const usedAt = Date.parse(listed[0]!.lastUsedAt!);
    expect(usedAt).toBeGreaterThanOrEqual(before);

    await keys.close(); // writes the usage, as a server does when it stops
    const restarted = new KeyStore(driver, 'pepper-for-tests');
    const after = await restarted.listKeys('proj_used');
    expect(after.find((k) => k.id === used.info.id)?.lastUsedAt).toBe(new Date(usedAt).toISOString());
    expect(after.find((k) => k.id === idle.info.id)?.lastUsedAt).toBeNull();
    expect(after.map((k) => k.id)).not.toContain(other.info.id);
    expect((await restarted.listKeys('proj_other'))[0]?.lastUsedAt).not.toBeNull();
  });

  it('keeps usage it could not write and writes it at the next flush', async () => {
    let failInserts = 1;
    const flaky: Driver = {
      ...driver,
      kind: driver.kind,
      database: driver.database,
      query: (sql, params) => driver.query(sql, params),
      insert: async (table, rows, opts) => {
        if (table === 'api_key_usage' && failInserts-- > 0) throw new Error('ClickHouse is down');
        return driver.insert(table, rows, opts);
      },
    };
    const keys = new KeyStore(flaky, 'pepper-for-tests');
    await keys.createProject('proj_flaky', 'Flaky');
    const { key, info } = await keys.createKey('proj_flaky', 'ci');
    await keys.resolve(key);
    await expect(keys.flushUsage()).rejects.toThrow('ClickHouse is down');
    await keys.flushUsage();
    const fresh = new KeyStore(driver, 'pepper-for-tests');
    expect((await fresh.listKeys('proj_flaky')).find((k) => k.id === info.id)?.lastUsedAt).not.toBeNull();
    await keys.close();
  });
});
