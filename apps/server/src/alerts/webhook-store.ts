import type { Webhook, WebhookDelivery } from '@sightline/contracts';
import { fromChTime, fromChTimeNullable, newId, nextVersion, num, numOrNull, toChTime, type AlertsDriver } from './db.ts';

/** Webhook endpoints (with their secrets), outbox messages and the delivery log. */

export interface StoredWebhook extends Webhook {
  projectId: string;
  secret: string;
  previousSecret: string;
}

export interface OutboxMessage {
  projectId: string;
  id: string;
  webhookId: string;
  eventType: string;
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

function toWebhook(r: Record<string, unknown>): StoredWebhook {
  return {
    projectId: String(r.ProjectId),
    id: String(r.Id),
    name: String(r.Name),
    type: r.Type === 'slack' ? 'slack' : 'standard',
    url: String(r.Url),
    enabled: num(r.Enabled) === 1,
    disabledReason: String(r.DisabledReason),
    previousSecretExpiresAt: fromChTimeNullable(r.PreviousSecretExpiresAt),
    source: r.Source === 'file' ? 'file' : 'api',
    createdAt: fromChTime(r.CreatedAt),
    updatedAt: fromChTime(r.UpdatedAt),
    secret: String(r.Secret),
    previousSecret: String(r.PreviousSecret),
  };
}

function toMessage(r: Record<string, unknown>): OutboxMessage {
  const state = String(r.State);
  return {
    projectId: String(r.ProjectId),
    id: String(r.Id),
    webhookId: String(r.WebhookId),
    eventType: String(r.EventType),
    body: String(r.Body),
    state: state === 'delivered' || state === 'failed' ? state : 'pending',
    attempts: num(r.Attempts),
    nextAttemptAt: r.NextAttemptAt === null ? null : new Date(fromChTime(r.NextAttemptAt)),
    createdAt: new Date(fromChTime(r.CreatedAt)),
  };
}

/** The public view: never the secrets. */
export function publicWebhook(w: StoredWebhook): Webhook {
  const { projectId: _p, secret: _s, previousSecret: _ps, ...rest } = w;
  return rest;
}

export class WebhookStore {
  constructor(private readonly db: AlertsDriver) {}

  async list(projectId: string): Promise<StoredWebhook[]> {
    const rows = await this.db.query(
      `SELECT * FROM webhooks FINAL WHERE ProjectId = {p:String} AND Deleted = 0 ORDER BY Name`,
      { p: projectId },
    );
    return rows.map(toWebhook);
  }

  async get(projectId: string, id: string): Promise<StoredWebhook | null> {
    const rows = await this.db.query(
      `SELECT * FROM webhooks FINAL WHERE ProjectId = {p:String} AND Id = {id:String} AND Deleted = 0`,
      { p: projectId, id },
    );
    return rows[0] ? toWebhook(rows[0]) : null;
  }

  async save(w: Omit<StoredWebhook, 'id' | 'createdAt' | 'updatedAt'> & { id?: string; createdAt?: string }, now: Date, deleted = false): Promise<StoredWebhook> {
    const id = w.id ?? newId('wh');
    await this.db.insert('webhooks', [
      {
        ProjectId: w.projectId,
        Id: id,
        Name: w.name,
        Type: w.type,
        Url: w.url,
        Secret: w.secret,
        PreviousSecret: w.previousSecret,
        PreviousSecretExpiresAt: w.previousSecretExpiresAt ? toChTime(new Date(w.previousSecretExpiresAt)) : null,
        Enabled: w.enabled ? 1 : 0,
        DisabledReason: w.disabledReason,
        Source: w.source,
        CreatedAt: toChTime(w.createdAt ? new Date(w.createdAt) : now),
        UpdatedAt: toChTime(now),
        Deleted: deleted ? 1 : 0,
        Version: nextVersion(),
      },
    ]);
    return { ...w, id, createdAt: w.createdAt ?? now.toISOString(), updatedAt: now.toISOString() };
  }

  async enqueue(messages: Omit<OutboxMessage, 'state' | 'attempts'>[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db.insert('webhook_outbox', messages.map((m) => messageRow({ ...m, state: 'pending', attempts: 0 })));
  }

  async updateMessage(m: OutboxMessage): Promise<void> {
    await this.db.insert('webhook_outbox', [messageRow(m)]);
  }

  /** Pending messages due by `now`, oldest first, across projects: what a restarted worker resumes. */
  async due(now: Date, limit: number): Promise<OutboxMessage[]> {
    const rows = await this.db.query(
      `SELECT * FROM webhook_outbox FINAL WHERE State = 'pending' AND NextAttemptAt <= {now:DateTime64(3, 'UTC')}
       ORDER BY NextAttemptAt LIMIT {limit:UInt32}`,
      { now: toChTime(now), limit },
    );
    return rows.map(toMessage);
  }

  async nextDueAt(): Promise<Date | null> {
    const rows = await this.db.query<{ t: unknown }>(
      `SELECT min(NextAttemptAt) AS t FROM webhook_outbox FINAL WHERE State = 'pending'`,
    );
    const t = rows[0]?.t;
    return t === null || t === undefined ? null : new Date(fromChTime(t));
  }

  async message(projectId: string, id: string): Promise<OutboxMessage | null> {
    const rows = await this.db.query(
      `SELECT * FROM webhook_outbox FINAL WHERE ProjectId = {p:String} AND Id = {id:String}`,
      { p: projectId, id },
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async messages(projectId: string, webhookId: string, limit: number): Promise<OutboxMessage[]> {
    const rows = await this.db.query(
      `SELECT * FROM webhook_outbox FINAL WHERE ProjectId = {p:String} AND WebhookId = {w:String}
       ORDER BY CreatedAt DESC LIMIT {limit:UInt32}`,
      { p: projectId, w: webhookId, limit },
    );
    return rows.map(toMessage);
  }

  async logDelivery(projectId: string, d: WebhookDelivery): Promise<void> {
    await this.db.insert('webhook_deliveries', [
      {
        ProjectId: projectId,
        Id: d.id,
        MessageId: d.messageId,
        WebhookId: d.webhookId,
        EventType: d.eventType,
        Attempt: d.attempt,
        At: toChTime(new Date(d.at)),
        StatusCode: d.statusCode,
        Outcome: d.outcome,
        Error: d.error.slice(0, 1000),
        DurationMs: Math.max(0, Math.round(d.durationMs)),
      },
    ]);
  }

  async deliveries(projectId: string, opts: { webhookId?: string; deliveryId?: string; limit: number }): Promise<WebhookDelivery[]> {
    const rows = await this.db.query(
      `SELECT Id, MessageId, WebhookId, EventType, Attempt, At, StatusCode, Outcome, Error, DurationMs FROM webhook_deliveries
       WHERE ProjectId = {p:String} AND ({w:String} = '' OR WebhookId = {w:String}) AND ({d:String} = '' OR Id = {d:String})
       ORDER BY At DESC, Attempt DESC LIMIT {limit:UInt32}`,
      { p: projectId, w: opts.webhookId ?? '', d: opts.deliveryId ?? '', limit: opts.limit },
    );
    return rows.map((r) => ({
      id: String(r.Id),
      messageId: String(r.MessageId),
      webhookId: String(r.WebhookId),
      eventType: String(r.EventType),
      attempt: num(r.Attempt),
      at: fromChTime(r.At),
      statusCode: numOrNull(r.StatusCode),
      outcome: r.Outcome as WebhookDelivery['outcome'],
      error: String(r.Error),
      durationMs: num(r.DurationMs),
    }));
  }
}

function messageRow(m: OutboxMessage): Record<string, unknown> {
  return {
    ProjectId: m.projectId,
    Id: m.id,
    WebhookId: m.webhookId,
    EventType: m.eventType,
    Body: m.body,
    State: m.state,
    Attempts: m.attempts,
    NextAttemptAt: m.nextAttemptAt ? toChTime(m.nextAttemptAt) : null,
    CreatedAt: toChTime(m.createdAt),
    Version: nextVersion(),
  };
}
