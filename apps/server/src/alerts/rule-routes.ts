import { Hono } from 'hono';
import { z } from 'zod';
import { AlertRuleInput, type AlertRule, type AlertRuleSpec } from '@sightline/contracts';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import type { AlertsContext } from './alerts-context.ts';
import { toGroupState } from './rule-store.ts';
import { assertWebhooksExist, validate } from './validation.ts';

/** `/alerts/rules` CRUD, `/alerts/rules/:id/evaluate` and `/alerts/events` (history). */

const EventsQuery = z.object({
  ruleId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function specOf(rule: AlertRule): AlertRuleSpec {
  const { id: _i, source: _s, createdAt: _c, updatedAt: _u, failureClass, groupBy, ...rest } = rule;
  return { ...rest, ...(failureClass === null ? {} : { failureClass }), ...(groupBy === null ? {} : { groupBy }) };
}

export function createRuleRoutes(ctx: AlertsContext) {
  const load = async (projectId: string, id: string, forWrite: boolean): Promise<AlertRule> => {
    const rule = await ctx.rules.get(projectId, id);
    if (!rule) throw new AppError('not_found', `no alert rule ${id} in this project`);
    if (forWrite && rule.source === 'file') {
      throw new AppError('conflict', `rule "${rule.name}" comes from the alerts file (SIGHTLINE_ALERTS_FILE); change it there`);
    }
    return rule;
  };
  const assertNameFree = async (projectId: string, name: string, id?: string) => {
    const other = await ctx.rules.findByName(projectId, name);
    if (other && other.id !== id) throw new AppError('conflict', `a rule named "${name}" already exists`);
  };

  return new Hono<AppEnv>()
    .get('/rules', async (c) => {
      const projectId = c.get('projectId');
      const rules = await ctx.rules.list(projectId);
      const items = await Promise.all(rules.map(async (r) => ({ ...r, groups: (await ctx.rules.states(projectId, r.id)).map(toGroupState) })));
      return c.json({ items });
    })
    .post('/rules', validate('json', AlertRuleInput), async (c) => {
      const projectId = c.get('projectId');
      const spec = c.req.valid('json');
      await assertNameFree(projectId, spec.name);
      await assertWebhooksExist(ctx, projectId, spec.webhookIds);
      return c.json(await ctx.rules.save(projectId, spec, { source: 'api', now: ctx.clock.now() }), 201);
    })
    .get('/rules/:id', async (c) => {
      const projectId = c.get('projectId');
      const rule = await load(projectId, c.req.param('id'), false);
      return c.json({ ...rule, groups: (await ctx.rules.states(projectId, rule.id)).map(toGroupState) });
    })
    .put('/rules/:id', validate('json', AlertRuleInput), async (c) => {
      const projectId = c.get('projectId');
      const rule = await load(projectId, c.req.param('id'), true);
      const spec = c.req.valid('json');
      await assertNameFree(projectId, spec.name, rule.id);
      await assertWebhooksExist(ctx, projectId, spec.webhookIds);
      return c.json(await ctx.rules.save(projectId, spec, { id: rule.id, source: 'api', createdAt: rule.createdAt, now: ctx.clock.now() }));
    })
    .patch('/rules/:id', validate('json', z.record(z.string(), z.unknown())), async (c) => {
      const projectId = c.get('projectId');
      const rule = await load(projectId, c.req.param('id'), true);
      // A partial body is merged onto the stored rule, then the whole rule is validated again.
      const merged = AlertRuleInput.safeParse({ ...specOf(rule), ...c.req.valid('json') });
      if (!merged.success) throw new AppError('bad_request', z.prettifyError(merged.error));
      await assertNameFree(projectId, merged.data.name, rule.id);
      await assertWebhooksExist(ctx, projectId, merged.data.webhookIds);
      return c.json(await ctx.rules.save(projectId, merged.data, { id: rule.id, source: 'api', createdAt: rule.createdAt, now: ctx.clock.now() }));
    })
    .delete('/rules/:id', async (c) => {
      const projectId = c.get('projectId');
      const rule = await load(projectId, c.req.param('id'), true);
      await ctx.rules.remove(projectId, rule, ctx.clock.now());
      return c.body(null, 204);
    })
    .post('/rules/:id/evaluate', async (c) => {
      const projectId = c.get('projectId');
      const rule = await load(projectId, c.req.param('id'), false);
      return c.json(await ctx.evaluator.evaluate(projectId, rule, ctx.clock.now()));
    })
    .get('/events', validate('query', EventsQuery), async (c) => {
      const q = c.req.valid('query');
      const items = await ctx.rules.events(c.get('projectId'), { limit: q.limit, ...(q.ruleId ? { ruleId: q.ruleId } : {}) });
      return c.json({ items });
    });
}
