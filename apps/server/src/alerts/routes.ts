import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { AlertsContext } from './alerts-context.ts';
import { createBudgetRoutes } from './budget-routes.ts';
import './openapi-docs.ts';
import { createRuleRoutes } from './rule-routes.ts';
import { createWebhookRoutes } from './webhook-routes.ts';

/**
 * The alerts part's HTTP surface, mounted at `/api` behind the auth middleware (which sets
 * `projectId`): `/api/alerts/*`, `/api/webhooks/*`, `/api/budgets/*`. Every query is scoped to that project.
 */
export function createAlertRoutes(ctx: AlertsContext): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .route('/alerts', createRuleRoutes(ctx))
    .route('/webhooks', createWebhookRoutes(ctx))
    .route('/budgets', createBudgetRoutes(ctx));
}
