import { BUNDLED_TABLE, PRICE_TABLE_DATE, resolveModel } from '@sightline/pricing';
import type { Driver } from '@sightline/storage';
import type { PriceBooks } from './price-books.ts';
import { recostSpans } from './recost.ts';

export interface TableUpgradeResult {
  previous: string | null;
  current: string;
  projects: number;
  changed: number;
}

/**
 * Brings stored costs in line with a newer bundled price table (a release that adds models or
 * records a price change): spans left unpriced whose model now has a price are priced, and spans
 * after a newly listed price change are re-costed from its date. Runs once per table date; the first
 * start of a database only records the date, as its spans were priced with this table already.
 */
export async function applyPriceTableUpgrade(driver: Driver, books: PriceBooks, opts: { cluster?: string; table?: { date: string } } = {}): Promise<TableUpgradeResult> {
  const current = opts.table?.date ?? PRICE_TABLE_DATE;
  const [state] = await driver.query<{ TableDate: string }>(`SELECT TableDate FROM price_table_state FINAL WHERE Id = 'bundled'`);
  const previous = state?.TableDate ?? null;
  const result: TableUpgradeResult = { previous, current, projects: 0, changed: 0 };
  if (previous === current) return result;
  if (previous !== null) {
    const projects = await driver.query<{ ProjectId: string }>(`SELECT DISTINCT ProjectId FROM spans`);
    result.projects = projects.length;
    // Price changes the new table lists after the date the stored costs reflect.
    const changes = BUNDLED_TABLE.filter((e) => e.effectiveFrom !== undefined && e.effectiveFrom.slice(0, 10) > previous);
    const recostOpts = opts.cluster === undefined ? {} : { cluster: opts.cluster };
    for (const { ProjectId: projectId } of projects) {
      const book = await books.get(projectId);
      const unpriced = await recostSpans(driver, book, projectId, {
        from: new Date(0),
        sources: ['unpriced'],
        match: (provider, model) => resolveModel(provider, model) !== null,
        ...recostOpts,
      });
      result.changed += unpriced.changed;
      for (const change of changes) {
        const key = `${change.provider}/${change.model}`;
        const moved = await recostSpans(driver, book, projectId, {
          from: new Date(change.effectiveFrom ?? 0),
          sources: ['priced'],
          match: (provider, model) => resolveModel(provider, model)?.key === key,
          ...recostOpts,
        });
        result.changed += moved.changed;
      }
    }
  }
  await driver.insert('price_table_state', [
    { Id: 'bundled', TableDate: current, AppliedAt: new Date().toISOString().replace('T', ' ').replace('Z', ''), Version: Date.now() },
  ]);
  return result;
}
