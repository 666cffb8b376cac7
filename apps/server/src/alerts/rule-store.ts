import { AlertRuleInput, type AlertRule, type AlertRuleSpec, type AlertEvent, type AlertGroupState } from '@sightline/contracts';
import { fromChTime, newId, nextVersion, num, numOrNull, toChTime, type AlertsDriver } from './db.ts';

/** Rules, per-group states and the event history, over the 0300 tables. */

export type AlertEventKind = AlertEvent['kind'];
export interface StoredState {
  groupKey: string;
  state: 'ok' | 'firing';
  value: number | null;
  since: Date;
  lastEvaluatedAt: Date;
  lastNotifiedAt: Date | null;
}

interface RuleRow {
  Id: string;
  Name: string;
  Spec: string;
  Source: string;
  CreatedAt: string;
  UpdatedAt: string;
}

function toRule(row: RuleRow): AlertRule {
  // Parsing through the input schema fills defaults added after the row was written.
  const spec: AlertRuleSpec = AlertRuleInput.parse(JSON.parse(row.Spec));
  return {
    id: row.Id,
    name: spec.name,
    description: spec.description,
    metric: spec.metric,
    window: spec.window,
    comparator: spec.comparator,
    threshold: spec.threshold,
    failureClass: spec.failureClass ?? null,
    minCalls: spec.minCalls,
    filters: spec.filters,
    groupBy: spec.groupBy ?? null,
    intervalSeconds: spec.intervalSeconds,
    renotifyMinutes: spec.renotifyMinutes,
    webhookIds: spec.webhookIds,
    enabled: spec.enabled,
    source: row.Source === 'file' ? 'file' : 'api',
    createdAt: fromChTime(row.CreatedAt),
    updatedAt: fromChTime(row.UpdatedAt),
  };
}

const RULE_COLUMNS = 'Id, Name, Spec, Source, CreatedAt, UpdatedAt';

export class RuleStore {
  constructor(private readonly db: AlertsDriver) {}

  async list(projectId: string): Promise<AlertRule[]> {
    const rows = await this.db.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules FINAL WHERE ProjectId = {p:String} AND Deleted = 0 ORDER BY Name`,
      { p: projectId },
    );
    return rows.map(toRule);
  }

  /** Every enabled rule of every project, for the scheduler. */
  async listAllEnabled(): Promise<{ projectId: string; rule: AlertRule }[]> {
    const rows = await this.db.query<RuleRow & { ProjectId: string }>(
      `SELECT ProjectId, ${RULE_COLUMNS} FROM alert_rules FINAL WHERE Deleted = 0`,
    );
    return rows.map((r) => ({ projectId: r.ProjectId, rule: toRule(r) })).filter((r) => r.rule.enabled);
  }

  async get(projectId: string, id: string): Promise<AlertRule | null> {
    const rows = await this.db.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules FINAL WHERE ProjectId = {p:String} AND Id = {id:String} AND Deleted = 0`,
      { p: projectId, id },
    );
    return rows[0] ? toRule(rows[0]) : null;
  }

  async findByName(projectId: string, name: string): Promise<AlertRule | null> {
    const rows = await this.db.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules FINAL WHERE ProjectId = {p:String} AND Name = {n:String} AND Deleted = 0 LIMIT 1`,
      { p: projectId, n: name },
    );
    return rows[0] ? toRule(rows[0]) : null;
  }

  async save(projectId: string, spec: AlertRuleSpec, opts: { id?: string; source: 'api' | 'file'; createdAt?: string; now: Date }): Promise<AlertRule> {
    const id = opts.id ?? newId('rule');
    const created = opts.createdAt ? new Date(opts.createdAt) : opts.now;
    await this.db.insert('alert_rules', [
      {
        ProjectId: projectId,
        Id: id,
        Name: spec.name,
        Spec: JSON.stringify(spec),
        Source: opts.source,
        CreatedAt: toChTime(created),
        UpdatedAt: toChTime(opts.now),
        Deleted: 0,
        Version: nextVersion(),
      },
    ]);
    const saved = await this.get(projectId, id);
    if (!saved) throw new Error(`rule ${id} vanished after save`);
    return saved;
  }

  async remove(projectId: string, rule: AlertRule, now: Date): Promise<void> {
    await this.db.insert('alert_rules', [
      {
        ProjectId: projectId,
        Id: rule.id,
        Name: rule.name,
        Spec: '{}',
        Source: rule.source,
        CreatedAt: toChTime(new Date(rule.createdAt)),
        UpdatedAt: toChTime(now),
        Deleted: 1,
        Version: nextVersion(),
      },
    ]);
  }

  async states(projectId: string, ruleId: string): Promise<StoredState[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT GroupKey, State, Value, Since, LastEvaluatedAt, LastNotifiedAt FROM alert_states FINAL
       WHERE ProjectId = {p:String} AND RuleId = {r:String}`,
      { p: projectId, r: ruleId },
    );
    return rows.map((r) => ({
      groupKey: String(r.GroupKey),
      state: r.State === 'firing' ? 'firing' : 'ok',
      value: numOrNull(r.Value),
      since: new Date(fromChTime(r.Since)),
      lastEvaluatedAt: new Date(fromChTime(r.LastEvaluatedAt)),
      lastNotifiedAt: r.LastNotifiedAt === null ? null : new Date(fromChTime(r.LastNotifiedAt)),
    }));
  }

  async saveStates(projectId: string, ruleId: string, states: StoredState[]): Promise<void> {
    if (states.length === 0) return;
    await this.db.insert(
      'alert_states',
      states.map((s) => ({
        ProjectId: projectId,
        RuleId: ruleId,
        GroupKey: s.groupKey,
        State: s.state,
        Value: s.value,
        Since: toChTime(s.since),
        LastEvaluatedAt: toChTime(s.lastEvaluatedAt),
        LastNotifiedAt: s.lastNotifiedAt ? toChTime(s.lastNotifiedAt) : null,
        Version: nextVersion(),
      })),
    );
  }

  async addEvents(projectId: string, events: AlertEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.insert(
      'alert_events',
      events.map((e) => ({
        ProjectId: projectId,
        Id: e.id,
        RuleId: e.ruleId,
        RuleName: e.ruleName,
        GroupKey: e.groupKey,
        Kind: e.kind,
        Value: e.value,
        Threshold: e.threshold,
        At: toChTime(new Date(e.at)),
        MessageIds: e.messageIds,
      })),
    );
  }

  async events(projectId: string, opts: { ruleId?: string; limit: number }): Promise<AlertEvent[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT Id, RuleId, RuleName, GroupKey, Kind, Value, Threshold, At, MessageIds FROM alert_events
       WHERE ProjectId = {p:String} AND ({r:String} = '' OR RuleId = {r:String})
       ORDER BY At DESC, Id DESC LIMIT {limit:UInt32}`,
      { p: projectId, r: opts.ruleId ?? '', limit: opts.limit },
    );
    return rows.map((r) => ({
      id: String(r.Id),
      ruleId: String(r.RuleId),
      ruleName: String(r.RuleName),
      groupKey: String(r.GroupKey),
      kind: r.Kind as AlertEventKind,
      value: numOrNull(r.Value),
      threshold: num(r.Threshold),
      at: fromChTime(r.At),
      messageIds: (r.MessageIds as string[] | undefined) ?? [],
    }));
  }
}

export function toGroupState(s: StoredState): AlertGroupState {
  return {
    groupKey: s.groupKey,
    state: s.state,
    value: s.value,
    since: s.since.toISOString(),
    lastEvaluatedAt: s.lastEvaluatedAt.toISOString(),
  };
}
