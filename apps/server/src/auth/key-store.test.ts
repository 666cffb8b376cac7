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
});
