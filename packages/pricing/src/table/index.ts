import type { TableEntry } from '../types.ts';
import { ANTHROPIC } from './anthropic.ts';
import { GOOGLE } from './google.ts';
import { OPENAI } from './openai.ts';
import { OTHERS } from './others.ts';

/**
 * The day the bundled list prices were last checked against the providers' pages. Prices never come
 * from the network at run time: a release ships its table; projects add overrides for anything newer.
 */
export const PRICE_TABLE_DATE = '2025-11-24';

export const BUNDLED_TABLE: readonly TableEntry[] = [...OPENAI, ...ANTHROPIC, ...GOOGLE, ...OTHERS];
