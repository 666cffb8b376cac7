import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AlertsFile, type AlertRuleSpec } from '@sightline/contracts';
import type { AlertsContext } from './alerts-context.ts';
import { assertWebhookTarget } from './validation.ts';

/**
 * Policy as code: `SIGHTLINE_ALERTS_FILE` (JSON) declares webhooks and rules by name. Applied at
 * start-up, idempotently: upsert by name, unchanged entries are not rewritten, and rules that came
 * from the file but are no longer in it are removed. File entries are read-only through the API.
 */

export class AlertsFileError extends Error {
  readonly code = 'invalid_alerts_file';
}

export function parseAlertsFile(text: string, path: string): AlertsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AlertsFileError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = AlertsFile.safeParse(json);
  // prettifyError names each bad key with its path, e.g. "→ at rules[1].threshold".
  if (!parsed.success) throw new AlertsFileError(`${path} is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export async function loadAlertsFile(path: string): Promise<AlertsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AlertsFileError(`cannot read the alerts file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseAlertsFile(text, path);
}

export interface ApplyResult {
  webhooks: { created: string[]; updated: string[]; unchanged: string[] };
  rules: { created: string[]; updated: string[]; unchanged: string[]; removed: string[] };
}

export async function applyAlertsFile(ctx: AlertsContext, file: AlertsFile, env: Readonly<Record<string, string | undefined>>): Promise<ApplyResult> {
  const { projectId } = file;
  const now = ctx.clock.now();
  const result: ApplyResult = { webhooks: { created: [], updated: [], unchanged: [] }, rules: { created: [], updated: [], unchanged: [], removed: [] } };
  const existingHooks = new Map((await ctx.webhooks.list(projectId)).map((w) => [w.name, w]));
  const hookIds = new Map<string, string>();

  for (const [i, w] of file.webhooks.entries()) {
    const secret = w.secret ?? (w.secretEnv ? env[w.secretEnv] : undefined);
    if (w.type === 'standard' && !secret) {
      throw new AlertsFileError(`webhooks[${i}] (${w.name}): a standard webhook needs "secret" or "secretEnv"${w.secretEnv ? ` (${w.secretEnv} is not set)` : ''}`);
    }
    if (secret !== undefined && !/^whsec_[A-Za-z0-9+/=]{24,}$/.test(secret)) throw new AlertsFileError(`webhooks[${i}] (${w.name}): the secret must be whsec_ followed by base64`);
    try {
      await assertWebhookTarget(ctx, w.url);
    } catch (error) {
      throw new AlertsFileError(`webhooks[${i}] (${w.name}): ${(error as Error).message}`, { cause: error });
    }
    const prev = existingHooks.get(w.name);
    const same = prev && prev.source === 'file' && prev.url === w.url && prev.type === w.type && prev.enabled === w.enabled && prev.secret === (secret ?? '');
    if (same) {
      hookIds.set(w.name, prev.id);
      result.webhooks.unchanged.push(w.name);
      continue;
    }
    const saved = await ctx.webhooks.save(
      {
        projectId,
        ...(prev ? { id: prev.id, createdAt: prev.createdAt } : {}),
        name: w.name,
        type: w.type,
        url: w.url,
        enabled: w.enabled,
        secret: secret ?? '',
        previousSecret: '',
        previousSecretExpiresAt: null,
        disabledReason: '',
        source: 'file',
      },
      now,
    );
    hookIds.set(w.name, saved.id);
    (prev ? result.webhooks.updated : result.webhooks.created).push(w.name);
  }

  const existingRules = await ctx.rules.list(projectId);
  const byName = new Map(existingRules.map((r) => [r.name, r]));
  for (const [i, r] of file.rules.entries()) {
    const { webhooks, ...rest } = r;
    const webhookIds = webhooks.map((name) => {
      const id = hookIds.get(name) ?? existingHooks.get(name)?.id;
      if (!id) throw new AlertsFileError(`rules[${i}] (${r.name}): no webhook named "${name}"`);
      return id;
    });
    const spec: AlertRuleSpec = { ...rest, webhookIds };
    const prev = byName.get(r.name);
    if (prev && prev.source === 'file' && sameSpec(prev, spec)) {
      result.rules.unchanged.push(r.name);
      continue;
    }
    await ctx.rules.save(projectId, spec, { source: 'file', now, ...(prev ? { id: prev.id, createdAt: prev.createdAt } : {}) });
    (prev ? result.rules.updated : result.rules.created).push(r.name);
  }
  const declared = new Set(file.rules.map((r) => r.name));
  for (const rule of existingRules) {
    if (rule.source === 'file' && !declared.has(rule.name)) {
      await ctx.rules.remove(projectId, rule, now);
      result.rules.removed.push(rule.name);
    }
  }
  return result;
}

function sameSpec(rule: Awaited<ReturnType<AlertsContext['rules']['list']>>[number], spec: AlertRuleSpec): boolean {
  const current = {
    ...spec,
    failureClass: spec.failureClass ?? null,
    groupBy: spec.groupBy ?? null,
  };
  const stored = { ...rule } as Record<string, unknown>;
  return Object.entries(current).every(([k, v]) => JSON.stringify(stored[k]) === JSON.stringify(v));
}
