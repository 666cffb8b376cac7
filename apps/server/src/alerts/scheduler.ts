import type { AlertsContext } from './alerts-context.ts';
import { SchedulerLease } from './scheduler-lease.ts';

/**
 * Evaluates each enabled rule at its own interval and drives the outbox. Time comes from the
 * context's clock; the real timer only decides how often to look, so tests call `tick()` with a
 * fake clock and never sleep. State lives in ClickHouse: after a restart the first tick evaluates
 * every rule (persisted states prevent repeat notifications) and resumes pending deliveries.
 * Servers sharing one ClickHouse elect one runner through a lease (scheduler-lease.ts).
 */

export interface AlertScheduler {
  /** One pass: evaluate due rules, then deliver due messages. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** Leadership among servers sharing the store; a new lease on the context's driver by default. */
  lease?: Pick<SchedulerLease, 'acquire' | 'release'>;
  /** How often the real timer looks for due work. */
  pollMs?: number;
  /** Set false in tests that drive `tick()` themselves. */
  autoStart?: boolean;
}

export function startAlertScheduler(ctx: AlertsContext, options: SchedulerOptions = {}): AlertScheduler {
  const lastRun = new Map<string, number>();
  const lease = options.lease ?? new SchedulerLease(ctx.driver);
  let leading = false;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const evaluateDue = async () => {
    const now = ctx.clock.now();
    const rules = await ctx.rules.listAllEnabled();
    const current = new Set(rules.map(({ projectId, rule }) => `${projectId}\u0000${rule.id}`));
    for (const key of lastRun.keys()) if (!current.has(key)) lastRun.delete(key);
    for (const { projectId, rule } of rules) {
      if (stopped) return;
      const key = `${projectId}\u0000${rule.id}`;
      const last = lastRun.get(key);
      if (last !== undefined && now.getTime() - last < rule.intervalSeconds * 1000) continue;
      lastRun.set(key, now.getTime());
      try {
        await ctx.evaluator.evaluate(projectId, rule, now);
      } catch (error) {
        ctx.logger.warn('alert rule evaluation failed', { ruleId: rule.id, error: String(error) });
      }
    }
  };

  const pass = async () => {
    try {
      const was = leading;
      leading = await lease.acquire();
      if (leading !== was) ctx.logger.info?.(leading ? 'alert scheduler leads' : 'alert scheduler stands by: another server leads');
    } catch (error) {
      leading = false;
      ctx.logger.warn('alert scheduler lease unavailable', { error: String(error) });
    }
    if (!leading) return;
    try {
      await evaluateDue();
    } catch (error) {
      ctx.logger.warn('alert scheduler could not list rules', { error: String(error) });
    }
    if (stopped) return;
    try {
      await ctx.outbox.runDue();
    } catch (error) {
      ctx.logger.warn('webhook outbox pass failed', { error: String(error) });
    }
  };

  // Passes never overlap: a slow receiver delays the next pass rather than doubling deliveries.
  const tick = () => {
    current = current.then(pass);
    return current;
  };

  const schedule = () => {
    if (stopped || options.autoStart === false) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, options.pollMs ?? 1000);
    timer.unref();
  };
  schedule();
  ctx.kick = () => {
    if (stopped || !leading || options.autoStart === false) return;
    current = current.then(async () => {
      try {
        await ctx.outbox.runDue();
      } catch (error) {
        ctx.logger.warn('webhook outbox pass failed', { error: String(error) });
      }
    });
  };

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      ctx.kick = () => undefined;
      await current;
      if (leading) await lease.release().catch((error: unknown) => ctx.logger.warn('alert scheduler lease release failed', { error: String(error) }));
    },
  };
}
