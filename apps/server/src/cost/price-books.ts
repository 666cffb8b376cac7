import { createPriceBook, type FileOverride, type PriceBook, type PriceOverride } from '@sightline/pricing';
import type { OverrideStore } from './override-store.ts';

export interface PricesFileConfig {
  overrides: FileOverride[];
  azureDeployments: Record<string, string>;
}

/**
 * One PriceBook per project: bundled table + the prices file + the project's stored overrides
 * (stored ones win over the file for the same effective date, being the more specific). Books are
 * cached; a write through the API invalidates the project's book.
 */
export class PriceBooks {
  private readonly cache = new Map<string, { book: PriceBook; expires: number }>();
  /** Bumped by every invalidate: a book read while it changed may miss that write. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly store: OverrideStore,
    private readonly file: PricesFileConfig = { overrides: [], azureDeployments: {} },
    /** Another server process may have written overrides: re-read after this long regardless. */
    private readonly ttlMs = 60_000,
  ) {}

  async get(projectId: string): Promise<PriceBook> {
    const hit = this.cache.get(projectId);
    if (hit && hit.expires > Date.now()) return hit.book;
    const generation = this.generations.get(projectId) ?? 0;
    const book = await this.build(projectId);
    // Invalidated while the overrides were being read: the book may predate that write. The caller,
    // who asked before the write, gets it; the cache does not, so the next reader reads again.
    if ((this.generations.get(projectId) ?? 0) === generation) this.cache.set(projectId, { book, expires: Date.now() + this.ttlMs });
    return book;
  }

  /** The overrides in force for a project, before the bundled table is consulted. */
  async overridesFor(projectId: string): Promise<PriceOverride[]> {
    const fromFile = this.file.overrides.filter((o) => o.projectId === undefined || o.projectId === projectId);
    const stored = (await this.store.list(projectId)).map((s) => s.override);
    // A stored override and a file one with the same date: the stored (per-project, via API) one wins,
    // so the file's copy is dropped rather than left to a tie-break.
    const storedKeys = new Set(stored.map((o) => `${o.provider}|${o.model.toLowerCase()}|${o.effectiveFrom}`));
    const file = fromFile
      .filter((o) => !storedKeys.has(`${o.provider}|${o.model.toLowerCase()}|${o.effectiveFrom}`))
      .map(({ projectId: _p, ...o }) => o);
    return [...file, ...stored];
  }

  invalidate(projectId: string): void {
    this.cache.delete(projectId);
    this.generations.set(projectId, (this.generations.get(projectId) ?? 0) + 1);
  }

  /** A book that reflects a change about to be written, for working out which spans it moves. */
  async buildWith(projectId: string, change: (overrides: PriceOverride[]) => PriceOverride[]): Promise<PriceBook> {
    return createPriceBook({ overrides: change(await this.overridesFor(projectId)), azureDeployments: this.file.azureDeployments });
  }

  private async build(projectId: string): Promise<PriceBook> {
    return createPriceBook({ overrides: await this.overridesFor(projectId), azureDeployments: this.file.azureDeployments });
  }
}
