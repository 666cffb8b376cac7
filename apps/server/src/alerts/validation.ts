import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import { AppError } from '../ops/errors.ts';
import type { AlertsContext } from './alerts-context.ts';
import { vetWebhookTarget, WebhookTargetError } from './ssrf-guard.ts';

/** Request validation with the API's error body (`code`, a readable message, and each issue's path). */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return undefined;
    const error = new z.ZodError(result.error.issues);
    return c.json(
      {
        error: {
          code: 'bad_request',
          message: z.prettifyError(error),
          issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      },
      400,
    );
  });
}

/** Save-time SSRF check; the same check runs again at connect time against the resolved address. */
export async function assertWebhookTarget(ctx: AlertsContext, url: string): Promise<void> {
  try {
    await vetWebhookTarget(url, { allowPrivate: ctx.allowPrivateTargets });
  } catch (error) {
    if (error instanceof WebhookTargetError) throw new AppError('bad_request', `webhook url refused: ${error.message}`, { cause: error });
    throw error;
  }
}

export async function assertWebhooksExist(ctx: AlertsContext, projectId: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (!(await ctx.webhooks.get(projectId, id))) throw new AppError('bad_request', `webhookIds: no webhook ${id} in this project`);
  }
}
