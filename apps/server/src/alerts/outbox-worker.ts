import { systemClock, newId, silentLogger, type AlertsLogger, type Clock } from './db.ts';
import { postWebhook, type DeliveryResult, type PostOptions } from './http-delivery.ts';
import { signedHeaders } from './signer.ts';
import type { OutboxMessage, StoredWebhook, WebhookStore } from './webhook-store.ts';

/**
 * Delivers outbox messages. Every step is persisted before the next one (the attempt log row and the
 * message's new state with its `NextAttemptAt`), so a restart resumes the retry schedule where it was:
 * the worker simply asks the store for pending messages that are due.
 */

/** Delays after attempt 1, 2, ...: the shape Standard Webhooks senders use, ending about a day later. */
export const RETRY_SCHEDULE_SECONDS = [5, 30, 120, 600, 1800, 7200, 18_000, 36_000, 36_000] as const;
/** A receiver's `Retry-After` is honoured up to this, so one answer cannot park a message for weeks. */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

export interface OutboxWorkerDeps {
  store: WebhookStore;
  clock?: Clock;
  logger?: AlertsLogger;
  allowPrivateTargets: boolean;
  /** Test seam for the 15 s budget; production keeps the default. */
  timeoutMs?: number;
  concurrency?: number;
}

export class OutboxWorker {
  private readonly inFlight = new Set<string>();
  private readonly clock: Clock;
  private readonly logger: AlertsLogger;

  constructor(private readonly deps: OutboxWorkerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
  }

  /** Delivers every due message once; returns how many attempts were made. */
  async runDue(): Promise<number> {
    const due = (await this.deps.store.due(this.clock.now(), 200)).filter((m) => !this.inFlight.has(m.id));
    const queue = [...due];
    // One webhook lookup per endpoint per pass, not per message.
    const hooks = new Map<string, Promise<StoredWebhook | null>>();
    const hookOf = (m: OutboxMessage) => {
      const key = `${m.projectId}\u0000${m.webhookId}`;
      let hook = hooks.get(key);
      if (!hook) hooks.set(key, (hook = this.deps.store.get(m.projectId, m.webhookId)));
      return hook;
    };
    const workers = Array.from({ length: Math.min(this.deps.concurrency ?? 4, queue.length) }, async () => {
      for (let m = queue.shift(); m; m = queue.shift()) await this.attempt(m, hookOf);
    });
    await Promise.all(workers);
    return due.length;
  }

  private async attempt(message: OutboxMessage, hookOf: (m: OutboxMessage) => Promise<StoredWebhook | null>): Promise<void> {
    this.inFlight.add(message.id);
    try {
      await this.deliver(message, await hookOf(message));
    } catch (error) {
      // A storage failure mid-attempt leaves the message pending; the next run retries it.
      this.logger.warn('webhook delivery attempt failed to record', { messageId: message.id, error: String(error) });
    } finally {
      this.inFlight.delete(message.id);
    }
  }

  private async deliver(message: OutboxMessage, webhook: StoredWebhook | null): Promise<void> {
    const { store } = this.deps;
    const now = this.clock.now();
    const attempt = message.attempts + 1;
    if (!webhook || !webhook.enabled) {
      const reason = webhook ? `webhook disabled${webhook.disabledReason ? `: ${webhook.disabledReason}` : ''}` : 'webhook deleted';
      await this.record(message, attempt, now, { statusCode: null, retryAfterSeconds: null, error: reason, durationMs: 0 }, 'failed');
      await store.updateMessage({ ...message, state: 'failed', attempts: attempt, nextAttemptAt: null });
      return;
    }
    const result = await postWebhook(webhook.url, message.body, this.headersFor(webhook, message, now), this.postOptions());
    const after = this.clock.now();
    const status = result.statusCode;
    if (status !== null && status >= 200 && status < 300) {
      await this.record(message, attempt, after, result, 'success');
      await store.updateMessage({ ...message, state: 'delivered', attempts: attempt, nextAttemptAt: null });
      return;
    }
    if (status === 410) {
      // 410 Gone: the receiver says the endpoint is retired; stop sending anything to it.
      await this.record(message, attempt, after, result, 'disabled');
      // Mutating the pass's cached copy makes later messages of this pass see the endpoint disabled.
      webhook.enabled = false;
      webhook.disabledReason = 'receiver answered 410 Gone';
      await store.save(webhook, after);
      await store.updateMessage({ ...message, state: 'failed', attempts: attempt, nextAttemptAt: null });
      this.logger.warn('webhook disabled after 410 Gone', { webhookId: webhook.id });
      return;
    }
    const backoff = RETRY_SCHEDULE_SECONDS[attempt - 1];
    if (backoff === undefined) {
      await this.record(message, attempt, after, result, 'failed');
      await store.updateMessage({ ...message, state: 'failed', attempts: attempt, nextAttemptAt: null });
      return;
    }
    const wait = Math.max(backoff, Math.min(result.retryAfterSeconds ?? 0, MAX_RETRY_AFTER_SECONDS));
    await this.record(message, attempt, after, result, 'retry');
    await store.updateMessage({ ...message, attempts: attempt, nextAttemptAt: new Date(after.getTime() + wait * 1000) });
  }

  private headersFor(webhook: StoredWebhook, message: OutboxMessage, now: Date): Record<string, string> {
    if (webhook.type === 'slack') return {};
    const secrets = [webhook.secret];
    if (webhook.previousSecret && webhook.previousSecretExpiresAt && new Date(webhook.previousSecretExpiresAt) > now) {
      secrets.push(webhook.previousSecret);
    }
    // The webhook-id is the message id, identical on every retry so receivers can de-duplicate. The
    // timestamp is wall time, not the injectable clock: receivers check it against their own clocks.
    return { ...signedHeaders(secrets, message.id, Math.floor(Date.now() / 1000), message.body) };
  }

  private postOptions(): PostOptions {
    const o: PostOptions = { allowPrivate: this.deps.allowPrivateTargets, now: () => this.clock.now() };
    if (this.deps.timeoutMs !== undefined) o.timeoutMs = this.deps.timeoutMs;
    return o;
  }

  private async record(m: OutboxMessage, attempt: number, at: Date, r: DeliveryResult, outcome: 'success' | 'retry' | 'failed' | 'disabled'): Promise<void> {
    await this.deps.store.logDelivery(m.projectId, {
      id: newId('dlv'),
      messageId: m.id,
      webhookId: m.webhookId,
      eventType: m.eventType,
      attempt,
      at: at.toISOString(),
      statusCode: r.statusCode,
      outcome,
      error: r.error,
      durationMs: r.durationMs,
    });
  }
}
