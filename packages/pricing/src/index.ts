export type {
  Usage,
  PriceRequest,
  CostResult,
  Rates,
  TableEntry,
  TierPrice,
  ServiceTier,
  PriceOrigin,
  ResolvedPrice,
} from './types.ts';
export { SERVICE_TIERS } from './types.ts';
export { PRICE_TABLE_DATE, BUNDLED_TABLE } from './table/index.ts';
export { resolveModel, normaliseProvider, inferProvider } from './resolve-model.ts';
export type { PriceBook } from './price-book.ts';
export { createPriceBook, listPricedModels } from './price-book.ts';
export { priceUsage, nanosToUsd, normaliseServiceTier } from './price-usage.ts';
export { RatesSchema, PriceOverrideInput, PricesFile, PricesFileError, parsePricesFile, formatPath } from './overrides.ts';
export type { PriceOverride, FileOverride } from './overrides.ts';
export {
  usageFromOpenAI,
  usageFromOpenAIResponses,
  usageFromOpenAIEmbeddings,
  usageFromAnthropic,
  usageFromGemini,
  usageFromVllm,
} from './usage-from.ts';
