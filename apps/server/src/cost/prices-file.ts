import { readFile } from 'node:fs/promises';
import { parsePricesFile, PricesFileError } from '@sightline/pricing';
import type { PricesFileConfig } from './price-books.ts';

/**
 * Reads `SIGHTLINE_PRICES_FILE` (the path is passed in; only main.ts reads the environment). A bad
 * file stops start-up with every bad key named, rather than pricing with half of it.
 */
export async function loadPricesFile(path: string | undefined): Promise<PricesFileConfig> {
  if (path === undefined || path === '') return { overrides: [], azureDeployments: {} };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PricesFileError(`${path}: cannot read the prices file (${(err as Error).message})`, [], { cause: err });
  }
  return parsePricesFile(text, path);
}
