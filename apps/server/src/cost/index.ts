import type { Driver } from '@sightline/storage';
import { silentLogger, type Logger } from '../ops/log.ts';
import { OverrideStore } from './override-store.ts';
import { PriceBooks, type PricesFileConfig } from './price-books.ts';
import { loadPricesFile } from './prices-file.ts';
import { applyPricesFileChange, type PricesFileSyncResult } from './prices-file-sync.ts';
import { createPriceRoutes } from './routes.ts';
import { applyPriceTableUpgrade, type TableUpgradeResult } from './table-upgrade.ts';

export interface CostEngine {
  /** Per-project price books: ingest normalises with `books.get(projectId)`, queries explain with it. */
  books: PriceBooks;
  store: OverrideStore;
  file: PricesFileConfig;
  /** The `/api/prices` sub-app. */
  routes(): ReturnType<typeof createPriceRoutes>;
  /**
   * Brings stored costs in line with this release's bundled table and the current prices file.
   * Idempotent; run after start-up, in the background (it may re-cost many spans).
   */
  reconcile(): Promise<{ table: TableUpgradeResult; file: PricesFileSyncResult }>;
}

/**
 * The cost engine's composition for main.ts. Fails (PricesFileError, naming each bad key) when the
 * prices file is unreadable or invalid, so a server never starts with half of its prices.
 */
export async function createCostEngine(opts: { driver: Driver; pricesFile?: string | undefined; cluster?: string | undefined; logger?: Logger }): Promise<CostEngine> {
  const logger = opts.logger ?? silentLogger;
  const file = await loadPricesFile(opts.pricesFile);
  const store = new OverrideStore(opts.driver, (projectId, id) => logger.log('warn', 'prices.override_unreadable', { projectId, id }));
  const books = new PriceBooks(store, file);
  const cluster = opts.cluster === undefined ? {} : { cluster: opts.cluster };
  return {
    books,
    store,
    file,
    routes: () => createPriceRoutes({ driver: opts.driver, books, store, azureDeployments: file.azureDeployments, logger, ...cluster }),
    async reconcile() {
      const table = await applyPriceTableUpgrade(opts.driver, books, cluster);
      const fileResult = await applyPricesFileChange(opts.driver, books, file, cluster);
      if (table.changed > 0 || fileResult.changed > 0) {
        logger.log('info', 'prices.reconciled', { tableDate: table.current, tableChanged: table.changed, fileChanged: fileResult.changed });
      }
      return { table, file: fileResult };
    },
  };
}

export { PriceBooks, type PricesFileConfig } from './price-books.ts';
export { OverrideStore } from './override-store.ts';
export { createPriceRoutes } from './routes.ts';
export { recostSpans } from './recost.ts';
