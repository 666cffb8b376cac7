import type { PriceOverride } from './overrides.ts';
import { modelNameForms, normaliseProvider, resolveModel } from './resolve-model.ts';
import { BUNDLED_TABLE } from './table/index.ts';
import type { ResolvedPrice, TableEntry } from './types.ts';

/** Bundled table plus one project's overrides, resolved by (provider, model, time). */
export interface PriceBook {
  resolve(provider: string, model: string, at: Date): ResolvedPrice | null;
  /** Every price in force at `at`: bundled rows, with project overrides listed where they apply. */
  effectiveTable(at: Date): ResolvedPrice[];
  readonly overrides: readonly PriceOverride[];
}

const AZURE_PROVIDERS = new Set(['azure.ai.openai', 'az.ai.openai', 'azure', 'azure_openai', 'azure-openai']);
const EPOCH = -Infinity;

function since(iso: string | undefined): number {
  return iso === undefined ? EPOCH : Date.parse(iso);
}

/**
 * The keys an override answers to: its provider (as written, or `*`) with its literal model name and,
 * when the table knows the model, the canonical name, so `gpt-4o` also covers `gpt-4o-2024-08-06`.
 * The provider is never widened: an Azure price does not leak onto OpenAI calls or back.
 */
function overrideIdentity(o: PriceOverride): { keys: string[]; label: string } {
  const prov = o.provider === '*' ? '*' : normaliseProvider(o.provider) || o.provider.trim().toLowerCase();
  const literal = modelNameForms(o.model)[0] ?? '';
  const resolved = resolveModel(o.provider === '*' ? '' : o.provider, o.model);
  const keys = [`${prov}/${literal}`];
  if (resolved) keys.push(`${prov}/${resolved.canonical}`);
  return { keys, label: `${o.provider}/${resolved?.canonical ?? literal}` };
}

function overrideEntry(o: PriceOverride): TableEntry {
  if (o.kind !== 'per_token') throw new Error('per-token entry requested for a GPU-hour override');
  return {
    provider: o.provider,
    model: o.model,
    effectiveFrom: o.effectiveFrom,
    rates: o.rates,
    ...(o.longContext ? { longContext: o.longContext } : {}),
    ...(o.tiers ? { tiers: o.tiers } : {}),
  };
}

function fromOverride(o: PriceOverride, key: string): ResolvedPrice {
  if (o.kind === 'gpu_hour') {
    return {
      kind: 'gpu_hour', key, origin: 'self-hosted', effectiveFrom: o.effectiveFrom,
      hourlyUsd: o.hourlyUsd, concurrency: o.concurrency, overrideId: o.id,
    };
  }
  return { kind: 'per_token', key, origin: 'override', effectiveFrom: o.effectiveFrom, entry: overrideEntry(o), overrideId: o.id };
}

function latestBefore<T>(items: readonly T[], at: number, from: (t: T) => number): T | null {
  let best: T | null = null;
  for (const item of items) if (from(item) <= at && (best === null || from(item) >= from(best))) best = item;
  return best;
}

export function createPriceBook(opts: { overrides?: readonly PriceOverride[]; azureDeployments?: Record<string, string> } = {}): PriceBook {
  const overrides = [...(opts.overrides ?? [])];
  const azure = new Map(Object.entries(opts.azureDeployments ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const byKey = new Map<string, PriceOverride[]>();
  for (const o of overrides) {
    for (const k of new Set(overrideIdentity(o).keys)) byKey.set(k, [...(byKey.get(k) ?? []), o]);
  }
  const bundledByKey = new Map<string, TableEntry[]>();
  for (const e of BUNDLED_TABLE) {
    const k = `${e.provider}/${e.model}`;
    bundledByKey.set(k, [...(bundledByKey.get(k) ?? []), e]);
  }

  // Name matching is the costly part of pricing and depends only on (provider, model): memoised.
  const identities = new Map<string, { keys: string[]; resolved: ReturnType<typeof resolveModel> }>();
  function identify(provider: string, rawModel: string) {
    const memoKey = `${provider}\u0000${rawModel}`;
    const hit = identities.get(memoKey);
    if (hit) return hit;
    const model = AZURE_PROVIDERS.has(provider.trim().toLowerCase())
      ? (azure.get(rawModel.trim().toLowerCase()) ?? rawModel)
      : rawModel;
    const prov = normaliseProvider(provider) || provider.trim().toLowerCase();
    const literal = modelNameForms(model)[0] ?? '';
    const resolved = resolveModel(provider, model);
    const keys = [`${prov}/${literal}`, `*/${literal}`];
    if (resolved) keys.push(`${prov}/${resolved.canonical}`, `*/${resolved.canonical}`);
    if (identities.size >= 10_000) identities.clear();
    const identity = { keys, resolved };
    identities.set(memoKey, identity);
    return identity;
  }

  function resolve(provider: string, rawModel: string, at: Date): ResolvedPrice | null {
    const t = at.getTime();
    const { keys, resolved } = identify(provider, rawModel);
    const candidates = [...new Set(keys.flatMap((k) => byKey.get(k) ?? []))];
    // A project's override wins whenever one is in force: it is what that project is billed.
    const o = latestBefore(candidates, t, (x) => Date.parse(x.effectiveFrom));
    if (o) return fromOverride(o, overrideIdentity(o).label);
    if (!resolved) return null;
    const entry = latestBefore(bundledByKey.get(resolved.key) ?? [], t, (e) => since(e.effectiveFrom));
    if (!entry) return null;
    return { kind: 'per_token', key: resolved.key, origin: 'bundled', effectiveFrom: entry.effectiveFrom ?? null, entry, overrideId: null };
  }

  function effectiveTable(at: Date): ResolvedPrice[] {
    const t = at.getTime();
    const rows: ResolvedPrice[] = [];
    for (const [key, entries] of bundledByKey) {
      const entry = latestBefore(entries, t, (e) => since(e.effectiveFrom));
      if (entry) rows.push({ kind: 'per_token', key, origin: 'bundled', effectiveFrom: entry.effectiveFrom ?? null, entry, overrideId: null });
    }
    for (const o of overrides) {
      if (Date.parse(o.effectiveFrom) > t) continue;
      const identity = overrideIdentity(o);
      const current = latestBefore(byKey.get(identity.keys[0] ?? '') ?? [], t, (x) => Date.parse(x.effectiveFrom));
      if (current?.id === o.id) rows.push(fromOverride(o, identity.label));
    }
    return rows;
  }

  return { resolve, effectiveTable, overrides };
}

export function listPricedModels(): { key: string; provider: string; model: string; aliases: readonly string[]; effectiveFrom: string | null; entry: TableEntry }[] {
  return BUNDLED_TABLE.map((e) => ({
    key: `${e.provider}/${e.model}`, provider: e.provider, model: e.model,
    aliases: e.aliases ?? [], effectiveFrom: e.effectiveFrom ?? null, entry: e,
  }));
}
