import type { FileOverride } from '@sightline/pricing';
import type { Driver } from '@sightline/storage';
import type { PriceBooks, PricesFileConfig } from './price-books.ts';
import { overrideMatcher } from './price-rows.ts';
import { recostSpans } from './recost.ts';

export interface PricesFileSyncResult {
  /** Overrides added, changed or removed since the file was last applied. */
  changedOverrides: number;
  /** The stored state could not be read; every current override was applied again. */
  stateUnreadable: boolean;
  projects: number;
  changed: number;
}

/** Key order must not make two equal overrides look different. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Re-costs stored spans after the prices file changed between two starts, so editing the file has
 * the same effect on history as the API: every override added, changed or removed moves the spans of
 * its model from its effective date. The file as applied is kept in `price_table_state`.
 */
export async function applyPricesFileChange(driver: Driver, books: PriceBooks, file: PricesFileConfig, opts: { cluster?: string } = {}): Promise<PricesFileSyncResult> {
  const [state] = await driver.query<{ Body: string }>(`SELECT Body FROM price_table_state FINAL WHERE Id = 'prices-file'`);
  let previous: FileOverride[] = [];
  let stateUnreadable = false;
  if (state !== undefined && state.Body !== '') {
    // A state row this version cannot read is treated as empty (and reported): every current
    // override is applied again, which is correct, only slower.
    try {
      const parsed: unknown = JSON.parse(state.Body);
      if (Array.isArray(parsed)) previous = parsed as FileOverride[];
      else stateUnreadable = true;
    } catch {
      stateUnreadable = true;
    }
  }
  const before = new Map(previous.map((o) => [canonical(o), o]));
  const after = new Map(file.overrides.map((o) => [canonical(o), o]));
  const changed = [...[...before].filter(([k]) => !after.has(k)), ...[...after].filter(([k]) => !before.has(k))].map(([, o]) => o);
  const result: PricesFileSyncResult = { changedOverrides: changed.length, stateUnreadable, projects: 0, changed: 0 };
  if (changed.length > 0) {
    const projects = await driver.query<{ ProjectId: string }>(`SELECT DISTINCT ProjectId FROM spans`);
    for (const { ProjectId: projectId } of projects) {
      const mine = changed.filter((o) => o.projectId === undefined || o.projectId === projectId);
      if (mine.length === 0) continue;
      result.projects++;
      books.invalidate(projectId);
      const moved = await recostSpans(driver, await books.get(projectId), projectId, {
        from: new Date(Math.min(...mine.map((o) => Date.parse(o.effectiveFrom)))),
        match: overrideMatcher(mine, file.azureDeployments),
        ...(opts.cluster === undefined ? {} : { cluster: opts.cluster }),
      });
      result.changed += moved.changed;
    }
  }
  if (changed.length > 0 || state === undefined) {
    await driver.insert('price_table_state', [
      { Id: 'prices-file', TableDate: '', Body: JSON.stringify(file.overrides), AppliedAt: new Date().toISOString().replace('T', ' ').replace('Z', ''), Version: Date.now() },
    ]);
  }
  return result;
}
