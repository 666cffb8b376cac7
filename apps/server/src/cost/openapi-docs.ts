import { z } from 'zod';
import { PriceOverrideInput } from '@sightline/pricing';
import { registerOpenApi, type OpenApiRoute } from '../api/openapi.ts';
import {
  OverrideBulkBody,
  OverrideBulkResponse,
  OverrideDeleteResponse,
  OverrideListResponse,
  OverrideWriteResponse,
  PriceTableResponse,
  RecostBody,
  RecostResultSchema,
  UnpricedModelsResponse,
} from './schemas.ts';

const tags = ['prices'];

/** The cost part's entries in `GET /api/openapi.json`, with the schemas the routes validate with. */
export const PRICE_OPENAPI_ROUTES: OpenApiRoute[] = [
  {
    method: 'get', path: '/api/prices', tags, summary: 'Effective price table',
    description: 'Bundled list prices (USD per 1M tokens, dated) and this project’s overrides in force at `at` (default now).',
    query: z.object({ at: z.string().optional() }), response: PriceTableResponse,
  },
  { method: 'get', path: '/api/prices/overrides', tags, summary: 'This project’s price overrides', response: OverrideListResponse },
  {
    method: 'post', path: '/api/prices/overrides', tags, summary: 'Add a price override',
    description: 'Stored spans of the model from `effectiveFrom` on are re-costed before the response, rollups included.',
    body: PriceOverrideInput, response: OverrideWriteResponse, status: 201,
  },
  { method: 'put', path: '/api/prices/overrides', tags, summary: 'Replace every override of this project', body: OverrideBulkBody, response: OverrideBulkResponse },
  { method: 'put', path: '/api/prices/overrides/:id', tags, summary: 'Replace one override (re-costs spans)', body: PriceOverrideInput, response: OverrideWriteResponse },
  { method: 'delete', path: '/api/prices/overrides/:id', tags, summary: 'Delete one override (re-costs spans)', response: OverrideDeleteResponse },
  {
    method: 'get', path: '/api/prices/unpriced', tags, summary: 'Models seen without a price, with call counts',
    query: z.object({ days: z.string().optional() }), response: UnpricedModelsResponse,
  },
  { method: 'post', path: '/api/prices/recost', tags, summary: 'Re-cost stored spans with the current prices', body: RecostBody, response: RecostResultSchema },
];

for (const route of PRICE_OPENAPI_ROUTES) registerOpenApi(route);
