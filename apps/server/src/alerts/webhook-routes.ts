import { Hono } from 'hono';
import { z } from 'zod';
import { WebhookInput, WebhookUpdate } from '@sightline/contracts';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import type { AlertsContext } from './alerts-context.ts';
import { newId } from './db.ts';
import { generateWebhookSecret } from './signer.ts';
import { publicWebhook, type StoredWebhook } from './webhook-store.ts';
import { assertWebhookTarget, validate } from './validation.ts';

/** `/webhooks` CRUD, secret rotation, a test ping, the delivery log and manual redelivery. */

/** How long the previous secret keeps signing after a rotation, so receivers can switch over. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;
const DeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export function createWebhookRoutes(ctx: AlertsContext) {
  const load = async (projectId: string, id: string, forWrite: boolean): Promise<StoredWebhook> => {
    const hook = await ctx.webhooks.get(projectId, id);
    if (!hook) throw new AppError('not_found', `no webhook ${id} in this project`);
    if (forWrite && hook.source === 'file') {
      throw new AppError('conflict', `webhook "${hook.name}" comes from the alerts file (SIGHTLINE_ALERTS_FILE); change it there`);
    }
    return hook;
  };

  const redeliver = async (projectId: string, id: string, webhookId?: string) => {
    // Accepts a delivery id (from the log) or the message id itself.
    const delivery = (await ctx.webhooks.deliveries(projectId, { deliveryId: id, limit: 1 }))[0];
    const message = await ctx.webhooks.message(projectId, delivery?.messageId ?? id);
    if (!message || (webhookId !== undefined && message.webhookId !== webhookId)) {
      throw new AppError('not_found', `no delivery or message ${id} in this project`);
    }
    const hook = await load(projectId, message.webhookId, false);
    if (!hook.enabled) throw new AppError('conflict', `webhook "${hook.name}" is disabled; enable it before redelivering`);
    // Same message id, so the receiver sees the same webhook-id and can de-duplicate.
    await ctx.webhooks.updateMessage({ ...message, state: 'pending', nextAttemptAt: ctx.clock.now() });
    ctx.kick();
    return { messageId: message.id, state: 'pending' as const };
  };

  return new Hono<AppEnv>()
    .get('/', async (c) => c.json({ items: (await ctx.webhooks.list(c.get('projectId'))).map(publicWebhook) }))
    .post('/', validate('json', WebhookInput), async (c) => {
      const projectId = c.get('projectId');
      const input = c.req.valid('json');
      await assertWebhookTarget(ctx, input.url);
      const secret = generateWebhookSecret();
      const hook = await ctx.webhooks.save(
        { projectId, ...input, secret, previousSecret: '', previousSecretExpiresAt: null, disabledReason: '', source: 'api' },
        ctx.clock.now(),
      );
      return c.json({ ...publicWebhook(hook), secret }, 201);
    })
    .post('/deliveries/:id/redeliver', async (c) => c.json(await redeliver(c.get('projectId'), c.req.param('id')), 202))
    .get('/:id', async (c) => c.json(publicWebhook(await load(c.get('projectId'), c.req.param('id'), false))))
    .patch('/:id', validate('json', WebhookUpdate), async (c) => {
      const hook = await load(c.get('projectId'), c.req.param('id'), true);
      const update = c.req.valid('json');
      if (update.url !== undefined) await assertWebhookTarget(ctx, update.url);
      const enabled = update.enabled ?? hook.enabled;
      const disabledReason = enabled ? '' : update.enabled === false ? 'disabled by a user' : hook.disabledReason;
      const saved = await ctx.webhooks.save(
        { ...hook, name: update.name ?? hook.name, url: update.url ?? hook.url, enabled, disabledReason },
        ctx.clock.now(),
      );
      return c.json(publicWebhook(saved));
    })
    .delete('/:id', async (c) => {
      const hook = await load(c.get('projectId'), c.req.param('id'), true);
      await ctx.webhooks.save(hook, ctx.clock.now(), true);
      return c.body(null, 204);
    })
    .post('/:id/rotate-secret', async (c) => {
      const hook = await load(c.get('projectId'), c.req.param('id'), true);
      const now = ctx.clock.now();
      const secret = generateWebhookSecret();
      const saved = await ctx.webhooks.save(
        { ...hook, secret, previousSecret: hook.secret, previousSecretExpiresAt: new Date(now.getTime() + ROTATION_GRACE_MS).toISOString() },
        now,
      );
      return c.json({ ...publicWebhook(saved), secret });
    })
    .post('/:id/test', async (c) => {
      const projectId = c.get('projectId');
      const hook = await load(projectId, c.req.param('id'), false);
      const now = ctx.clock.now();
      const id = newId('msg');
      const body =
        hook.type === 'slack'
          ? JSON.stringify({ text: 'Sightline test notification: this webhook works.' })
          : JSON.stringify({ type: 'webhook.test', timestamp: now.toISOString(), data: { webhookId: hook.id, name: hook.name } });
      await ctx.webhooks.enqueue([{ projectId, id, webhookId: hook.id, eventType: 'webhook.test', body, nextAttemptAt: now, createdAt: now }]);
      ctx.kick();
      return c.json({ messageId: id, state: 'pending' }, 202);
    })
    .get('/:id/deliveries', validate('query', DeliveriesQuery), async (c) => {
      const projectId = c.get('projectId');
      const hook = await load(projectId, c.req.param('id'), false);
      const { limit } = c.req.valid('query');
      const [items, messages] = await Promise.all([
        ctx.webhooks.deliveries(projectId, { webhookId: hook.id, limit }),
        ctx.webhooks.messages(projectId, hook.id, limit),
      ]);
      return c.json({
        items,
        messages: messages.map((m) => ({
          id: m.id,
          webhookId: m.webhookId,
          eventType: m.eventType,
          state: m.state,
          attempts: m.attempts,
          nextAttemptAt: m.nextAttemptAt?.toISOString() ?? null,
          createdAt: m.createdAt.toISOString(),
        })),
      });
    })
    .post('/:id/deliveries/:deliveryId/redeliver', async (c) =>
      c.json(await redeliver(c.get('projectId'), c.req.param('deliveryId'), c.req.param('id')), 202),
    );
}
