import { Hono } from 'hono';
import { z } from 'zod';
import { BudgetInput } from '@sightline/contracts';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import type { AlertsContext } from './alerts-context.ts';
import { validate } from './validation.ts';

/** `/budgets` CRUD and `/budgets/status`, which the SDK's budget guard asks before each call. */

const StatusQuery = z.object({ userId: z.string().max(500).optional() });

function fieldsOf(input: z.output<typeof BudgetInput>) {
  if (input.userId !== undefined && input.scope !== 'user') throw new AppError('bad_request', "userId applies to scope 'user' budgets only");
  const label = input.scope === 'project' ? 'project' : input.userId ? `user ${input.userId}` : 'each user';
  return {
    name: input.name ?? `${label} ${input.window === 'rolling' ? `${input.rollingHours} h` : input.window} $${input.limitUsd}`,
    scope: input.scope,
    userId: input.userId ?? null,
    limitUsd: input.limitUsd,
    window: input.window,
    rollingHours: input.rollingHours,
  };
}

export function createBudgetRoutes(ctx: AlertsContext) {
  const load = async (projectId: string, id: string) => {
    const budget = await ctx.budgets.get(projectId, id);
    if (!budget) throw new AppError('not_found', `no budget ${id} in this project`);
    return budget;
  };
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json({ items: await ctx.budgets.list(c.get('projectId')) }))
    .post('/', validate('json', BudgetInput), async (c) => c.json(await ctx.budgets.save(c.get('projectId'), fieldsOf(c.req.valid('json'))), 201))
    .get('/status', validate('query', StatusQuery), async (c) => {
      const { userId } = c.req.valid('query');
      return c.json(await ctx.budgets.status(c.get('projectId'), userId));
    })
    .get('/:id', async (c) => c.json(await load(c.get('projectId'), c.req.param('id'))))
    .put('/:id', validate('json', BudgetInput), async (c) => {
      const existing = await load(c.get('projectId'), c.req.param('id'));
      return c.json(await ctx.budgets.save(c.get('projectId'), fieldsOf(c.req.valid('json')), existing));
    })
    .delete('/:id', async (c) => {
      const existing = await load(c.get('projectId'), c.req.param('id'));
      await ctx.budgets.save(c.get('projectId'), existing, existing, true);
      return c.body(null, 204);
    });
}
