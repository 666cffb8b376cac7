import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { formatPath, PRICE_TABLE_DATE, PriceOverrideInput, type PriceOverride } from '@sightline/pricing';
import type { Driver } from '@sightline/storage';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import { errorMessage, silentLogger, type Logger } from '../ops/log.ts';
import { OverrideStore, type StoredOverride } from './override-store.ts';
import { PriceBooks } from './price-books.ts';
import { overrideMatcher, toPriceRow } from './price-rows.ts';
import './openapi-docs.ts';
import { recostSpans, type RecostResult } from './recost.ts';
import { OverrideBulkBody, RecostBody } from './schemas.ts';

export interface PriceRoutesDeps {
  driver: Driver;
  /** Shared with ingest so a write here reprices new spans at once; built from `driver` when omitted. */
  books?: PriceBooks;
  store?: OverrideStore;
  azureDeployments?: Record<string, string>;
  cluster?: string;
  logger?: Logger;
  /**
   * Spans normalised with the old price just before a change may still sit in the ingest spool when
   * the re-cost runs; the re-cost runs once more after this delay to catch them. 0 disables it.
   */
  settleMs?: number;
}


async function body<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.output<T>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch (err) {
    throw new AppError('bad_request', 'body must be JSON', { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new AppError('bad_request', parsed.error.issues.map((i) => `${formatPath(i.path) || '(body)'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** The authenticated project; a route mounted without the auth middleware must not guess one. */
function projectOf(c: Context<AppEnv>): string {
  const projectId = c.get('projectId') as string | undefined;
  if (typeof projectId !== 'string' || projectId === '') throw new AppError('unauthorized', 'no authenticated project');
  return projectId;
}

const earliest = (...isos: string[]) => new Date(Math.min(...isos.map((s) => Date.parse(s))));

/**
 * `/api/prices`: the effective price table, project overrides (each write re-costs the spans it
 * moves, from its effective date), the list of unpriced models, and a manual re-cost.
 */
export function createPriceRoutes(deps: PriceRoutesDeps) {
  const store = deps.store ?? new OverrideStore(deps.driver);
  const books = deps.books ?? new PriceBooks(store);
  const azure = deps.azureDeployments ?? {};
  const recostOpts = deps.cluster === undefined ? {} : { cluster: deps.cluster };

  const logger = deps.logger ?? silentLogger;
  const settleMs = deps.settleMs ?? 30_000;

  // One re-cost at a time per project, each reading the book when it starts: two overlapping jobs
  // could otherwise finish in the wrong order and leave the older prices written.
  const queues = new Map<string, Promise<unknown>>();
  function serialised<T>(projectId: string, job: () => Promise<T>): Promise<T> {
    const run = (queues.get(projectId) ?? Promise.resolve()).then(job, job);
    const tail = run.catch(() => undefined);
    queues.set(projectId, tail);
    void tail.then(() => {
      if (queues.get(projectId) === tail) queues.delete(projectId);
    });
    return run;
  }

  async function afterChange(projectId: string, changed: PriceOverride[], fromIso: string[]): Promise<RecostResult> {
    books.invalidate(projectId);
    const run = () =>
      serialised(projectId, async () => recostSpans(deps.driver, await books.get(projectId), projectId, { from: earliest(...fromIso), match: overrideMatcher(changed, azure), ...recostOpts }));
    const result = await run();
    if (settleMs > 0) {
      const timer = setTimeout(() => {
        run()
          .then((late) => {
            if (late.changed > 0) logger.log('info', 'prices.recost_settled', { projectId, changed: late.changed });
          })
          .catch((err: unknown) => logger.log('error', 'prices.recost_settle_failed', { projectId, error: errorMessage(err) }));
      }, settleMs);
      timer.unref();
    }
    return result;
  }

  async function existing(projectId: string, id: string): Promise<StoredOverride> {
    const found = await store.get(projectId, id);
    if (!found) throw new AppError('not_found', `no price override ${id} in this project`);
    return found;
  }

  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const atParam = c.req.query('at');
      const at = atParam === undefined ? new Date() : new Date(atParam);
      if (Number.isNaN(at.getTime())) throw new AppError('bad_request', 'at: expected an ISO-8601 time');
      const book = await books.get(projectOf(c));
      return c.json({ tableDate: PRICE_TABLE_DATE, at: at.toISOString(), prices: book.effectiveTable(at).map(toPriceRow) });
    })
    .get('/overrides', async (c) => c.json({ items: await store.list(projectOf(c)) }))
    .post('/overrides', async (c) => {
      const projectId = projectOf(c);
      const saved = await store.put(projectId, await body(c, PriceOverrideInput));
      const recost = await afterChange(projectId, [saved.override], [saved.override.effectiveFrom]);
      return c.json({ ...saved, recost }, 201);
    })
    .put('/overrides', async (c) => {
      const projectId = projectOf(c);
      const { overrides } = await body(c, OverrideBulkBody);
      const before = await store.list(projectId);
      for (const old of before) await store.delete(projectId, old);
      const after: StoredOverride[] = [];
      for (const input of overrides) after.push(await store.put(projectId, input));
      const all = [...before, ...after].map((s) => s.override);
      const recost = all.length === 0 ? null : await afterChange(projectId, all, all.map((o) => o.effectiveFrom));
      return c.json({ items: after, recost });
    })
    .put('/overrides/:id', async (c) => {
      const projectId = projectOf(c);
      const old = await existing(projectId, c.req.param('id'));
      const saved = await store.put(projectId, await body(c, PriceOverrideInput), old.override.id, old.createdAt);
      const recost = await afterChange(projectId, [old.override, saved.override], [old.override.effectiveFrom, saved.override.effectiveFrom]);
      return c.json({ ...saved, recost });
    })
    .delete('/overrides/:id', async (c) => {
      const projectId = projectOf(c);
      const old = await existing(projectId, c.req.param('id'));
      await store.delete(projectId, old);
      const recost = await afterChange(projectId, [old.override], [old.override.effectiveFrom]);
      return c.json({ deleted: old.override.id, recost });
    })
    .get('/unpriced', async (c) => {
      const days = Number(c.req.query('days') ?? '30');
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new AppError('bad_request', 'days: expected a whole number from 1 to 3650');
      const items = await deps.driver.query<{ provider: string; model: string; calls: number; inputTokens: number; outputTokens: number; firstSeen: string; lastSeen: string }>(
        `SELECT Provider AS provider, Model AS model, sum(Calls) AS calls, sum(InputTokens) AS inputTokens,
           sum(OutputTokens) AS outputTokens, toString(min(Bucket)) AS firstSeen, toString(max(Bucket)) AS lastSeen
         FROM rollup_hourly
         WHERE ProjectId = {projectId:String} AND CostSource = 'unpriced' AND Bucket >= now() - INTERVAL {days:UInt32} DAY
         GROUP BY provider, model ORDER BY calls DESC, model LIMIT 1000`,
        { projectId: projectOf(c), days },
      );
      const iso = (s: string) => new Date(`${s.replace(' ', 'T')}Z`).toISOString();
      return c.json({ items: items.map((i) => ({ ...i, calls: Number(i.calls), firstSeen: iso(i.firstSeen), lastSeen: iso(i.lastSeen) })) });
    })
    .post('/recost', async (c) => {
      const projectId = projectOf(c);
      const req = await body(c, RecostBody);
      books.invalidate(projectId);
      const from = req.from === undefined ? new Date(Date.now() - 30 * 86_400_000) : new Date(req.from);
      const wantModel = req.model?.toLowerCase();
      const match = (provider: string, model: string) =>
        (req.provider === undefined || provider === req.provider) && (wantModel === undefined || model.toLowerCase() === wantModel);
      const result = await serialised(projectId, async () =>
        recostSpans(deps.driver, await books.get(projectId), projectId, { from, ...(req.to === undefined ? {} : { to: new Date(req.to) }), match, ...recostOpts }),
      );
      return c.json(result);
    });
}
