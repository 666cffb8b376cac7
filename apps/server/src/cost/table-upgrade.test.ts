import { PRICE_TABLE_DATE } from '@sightline/pricing';
import { insertSpans, type Driver } from '@sightline/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverrideStore } from './override-store.ts';
import { PriceBooks } from './price-books.ts';
import { applyPriceTableUpgrade } from './table-upgrade.ts';
import { llmRow, openTestStore } from './test-support.ts';

const P = 'proj_upgrade';
let store: Awaited<ReturnType<typeof openTestStore>>;
let driver: Driver;

const cost = async (traceId: string) =>
  (await driver.query<{ n: number; s: string }>('SELECT CostNanos AS n, CostSource AS s FROM spans FINAL WHERE TraceId = {t:String}', { t: traceId }))[0];

beforeAll(async () => {
  store = await openTestStore();
  driver = store.driver;
});
afterAll(async () => store?.close());

describe('bundled price table upgrade', () => {
  // Rows as an older release would have stored them: a model it did not know, and DeepSeek at the
  // price before its 2025-09 changes.
  const newlyPriced = { ...llmRow(P, Date.parse('2025-10-10T10:00:00Z'), 'gpt-4o-mini'), CostNanos: 0, CostSource: 'unpriced' as const };
  const afterChange = { ...llmRow(P, Date.parse('2025-10-15T10:00:00Z'), 'deepseek-chat', { 'gen_ai.provider.name': 'deepseek' }), CostNanos: 999 };
  const beforeChange = { ...llmRow(P, Date.parse('2025-08-01T10:00:00Z'), 'deepseek-chat', { 'gen_ai.provider.name': 'deepseek' }), CostNanos: 999 };

  it('records the table date on a new database without touching spans', async () => {
    await insertSpans(driver, [newlyPriced, afterChange, beforeChange]);
    const books = new PriceBooks(new OverrideStore(driver));
    expect(await applyPriceTableUpgrade(driver, books)).toMatchObject({ previous: null, current: PRICE_TABLE_DATE, changed: 0 });
    expect(await cost(newlyPriced.TraceId)).toEqual({ n: 0, s: 'unpriced' });
  });

  it('prices what a newer table knows and re-costs after the price changes it lists', async () => {
    await driver.insert('price_table_state', [{ Id: 'bundled', TableDate: '2025-09-01', AppliedAt: '2025-09-01 00:00:00', Version: Date.now() + 1 }]);
    const books = new PriceBooks(new OverrideStore(driver));
    const result = await applyPriceTableUpgrade(driver, books);
    expect(result).toMatchObject({ previous: '2025-09-01', current: PRICE_TABLE_DATE, projects: 1, changed: 2 });
    // gpt-4o-mini: 1000 × 150 + 100 × 600
    expect(await cost(newlyPriced.TraceId)).toEqual({ n: 210_000, s: 'priced' });
    // deepseek-chat from 2025-09-29: 1000 × 280 + 100 × 420
    expect(await cost(afterChange.TraceId)).toEqual({ n: 322_000, s: 'priced' });
    // before the listed changes: left as stored
    expect(await cost(beforeChange.TraceId)).toEqual({ n: 999, s: 'priced' });
    expect(await applyPriceTableUpgrade(driver, books)).toMatchObject({ previous: PRICE_TABLE_DATE, changed: 0 });
  });
});
