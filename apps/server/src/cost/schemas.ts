import { PriceOverrideInput } from '@sightline/pricing';
import { z } from 'zod';

/**
 * Response shapes of `/api/prices`, used for validation in tests and for the OpenAPI document.
 * They belong in @sightline/contracts once the viewer shows prices (see the cost part's report).
 */
const rates = z.record(z.string(), z.number());

export const PriceRowSchema = z.object({
  key: z.string(),
  source: z.enum(['bundled', 'override', 'self-hosted']),
  effectiveFrom: z.string().nullable(),
  overrideId: z.string().nullable(),
  kind: z.enum(['per_token', 'gpu_hour']),
  rates: rates.optional(),
  longContext: z.object({ aboveInputTokens: z.number(), rates }).optional(),
  tiers: z.record(z.string(), z.unknown()).optional(),
  hourlyUsd: z.number().optional(),
  concurrency: z.number().optional(),
});

export const PriceTableResponse = z.object({ tableDate: z.string(), at: z.string(), prices: z.array(PriceRowSchema) });

export const StoredOverrideSchema = z.object({
  override: z.intersection(PriceOverrideInput, z.object({ id: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const RecostResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  examined: z.number(),
  changed: z.number(),
  models: z.array(z.object({ provider: z.string(), requestModel: z.string(), responseModel: z.string() })),
});

export const OverrideListResponse = z.object({ items: z.array(StoredOverrideSchema) });
export const OverrideWriteResponse = StoredOverrideSchema.extend({ recost: RecostResultSchema });
export const OverrideBulkBody = z.strictObject({ overrides: z.array(PriceOverrideInput).max(1000) });
export const OverrideBulkResponse = z.object({ items: z.array(StoredOverrideSchema), recost: RecostResultSchema.nullable() });
export const OverrideDeleteResponse = z.object({ deleted: z.string(), recost: RecostResultSchema });

export const UnpricedModelsResponse = z.object({
  items: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      calls: z.number(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      firstSeen: z.string(),
      lastSeen: z.string(),
    }),
  ),
});

const isoTime = z.iso.datetime({ offset: true });
export const RecostBody = z.strictObject({
  from: isoTime.optional(),
  to: isoTime.optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
});
