import { BudgetService } from './budgets.ts';
import { silentLogger, systemClock, type AlertsDriver, type AlertsLogger, type Clock } from './db.ts';
import { RuleEvaluator } from './evaluator.ts';
import { OutboxWorker } from './outbox-worker.ts';
import { RuleStore } from './rule-store.ts';
import { WebhookStore } from './webhook-store.ts';

/** Everything the alerts routes and the scheduler share; built once by the composition root. */

export interface AlertsDeps {
  driver: AlertsDriver;
  clock?: Clock;
  logger?: AlertsLogger;
  /** SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: permit loopback/private webhook targets (tests, local demos). */
  allowPrivateTargets?: boolean;
  /** Public base URL of the viewer, for the links in notifications. */
  viewerBaseUrl?: string;
  /** Delivery timeout; the specification's 15 s unless a test shortens it. */
  deliveryTimeoutMs?: number;
}

export interface AlertsContext {
  driver: AlertsDriver;
  clock: Clock;
  logger: AlertsLogger;
  allowPrivateTargets: boolean;
  rules: RuleStore;
  webhooks: WebhookStore;
  budgets: BudgetService;
  evaluator: RuleEvaluator;
  outbox: OutboxWorker;
  /** Asks the running scheduler (if any) to deliver now; set by startAlertScheduler. */
  kick: () => void;
}

export function createAlertsContext(deps: AlertsDeps): AlertsContext {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const rules = new RuleStore(deps.driver);
  const webhooks = new WebhookStore(deps.driver);
  const allowPrivateTargets = deps.allowPrivateTargets ?? false;
  const ctx: AlertsContext = {
    driver: deps.driver,
    clock,
    logger,
    allowPrivateTargets,
    rules,
    webhooks,
    budgets: new BudgetService(deps.driver, clock),
    evaluator: new RuleEvaluator({
      db: deps.driver,
      rules,
      webhooks,
      viewerBaseUrl: deps.viewerBaseUrl ?? '',
      logger,
      onEnqueued: () => ctx.kick(),
    }),
    outbox: new OutboxWorker({
      store: webhooks,
      clock,
      logger,
      allowPrivateTargets,
      ...(deps.deliveryTimeoutMs === undefined ? {} : { timeoutMs: deps.deliveryTimeoutMs }),
    }),
    kick: () => undefined,
  };
  return ctx;
}
