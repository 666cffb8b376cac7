import { z } from 'zod';

/** USD per one million tokens, as providers publish them. */
const perMillion = z.number().finite().nonnegative();

export const RatesSchema = z.strictObject({
  input: perMillion,
  cachedInput: perMillion.optional(),
  cacheWrite5m: perMillion.optional(),
  cacheWrite1h: perMillion.optional(),
  output: perMillion,
  reasoning: perMillion.optional(),
  audioInput: perMillion.optional(),
  audioOutput: perMillion.optional(),
  imageInput: perMillion.optional(),
});

/** `2025-06-01` (midnight UTC) or a full ISO-8601 time with offset; stored as a UTC ISO string. */
const effectiveFrom = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((s) => new Date(s).toISOString());

const common = {
  /** `*` applies to the model whatever provider reports it (self-hosted servers often report 'openai'). */
  provider: z.string().trim().min(1).max(100).default('*'),
  model: z.string().trim().min(1).max(300),
  effectiveFrom,
  note: z.string().max(500).optional(),
};

/** A project's own price for a model, in force from `effectiveFrom` until a later one. */
export const PriceOverrideInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('per_token'),
    ...common,
    rates: RatesSchema,
    longContext: z.strictObject({ aboveInputTokens: z.number().int().positive(), rates: RatesSchema }).optional(),
    tiers: z
      .strictObject({
        batch: z.strictObject({ percent: z.number().positive().max(1000) }).optional(),
        flex: z.strictObject({ percent: z.number().positive().max(1000) }).optional(),
        priority: z.strictObject({ percent: z.number().positive().max(1000) }).optional(),
      })
      .optional(),
  }),
  z.strictObject({
    /** Self-hosted (vLLM, TGI): a call costs its duration × hourly rate ÷ the calls the GPU serves at once. */
    kind: z.literal('gpu_hour'),
    ...common,
    hourlyUsd: z.number().finite().positive(),
    concurrency: z.number().int().min(1).max(10_000).default(1),
  }),
]);
export type PriceOverrideInput = z.input<typeof PriceOverrideInput>;
export type PriceOverride = z.output<typeof PriceOverrideInput> & { id: string };

/** The `SIGHTLINE_PRICES_FILE` document: overrides for every project (or one, with `projectId`). */
export const PricesFile = z.strictObject({
  overrides: z
    .array(
      z.intersection(
        PriceOverrideInput,
        z.object({ id: z.string().min(1).max(100).optional(), projectId: z.string().min(1).optional() }),
      ),
    )
    .default([]),
  /** Azure OpenAI deployment name → model name, because Azure spans report the deployment. */
  azureDeployments: z.record(z.string().min(1), z.string().min(1)).default({}),
});
export type PricesFile = z.output<typeof PricesFile>;

export class PricesFileError extends Error {
  readonly code = 'prices_file_invalid';
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PricesFileError';
  }
}

/** Parses and validates a prices file; the error names every bad key (`overrides[1].rates.input: ...`). */
export type FileOverride = PriceOverride & { projectId?: string | undefined };

export function parsePricesFile(text: string, origin: string): { overrides: FileOverride[]; azureDeployments: Record<string, string> } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PricesFileError(`${origin}: not valid JSON (${(err as Error).message})`, [], { cause: err });
  }
  const parsed = PricesFile.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    const lines = issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n');
    throw new PricesFileError(`${origin}: invalid prices file\n${lines}`, issues);
  }
  const overrides = parsed.data.overrides.map((o, i) => ({ ...o, id: o.id ?? `file-${i + 1}` }));
  return { azureDeployments: parsed.data.azureDeployments, overrides };
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc === '' ? String(seg) : `${acc}.${String(seg)}`),
    '',
  );
}
