import type { PriceBook } from '@sightline/pricing';
import type { QueryDriver } from '@sightline/storage';

/** What the query API needs: read access to storage and each project's prices (for explanations). */
export interface QueryDeps {
  driver: QueryDriver;
  /** The project's price book (bundled table plus its overrides); the bundled table when omitted. */
  priceBookFor?: (projectId: string) => Promise<PriceBook> | PriceBook;
  /** Reported as `info.version` in the OpenAPI document. */
  version?: string;
}
