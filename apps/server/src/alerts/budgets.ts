import type { Budget, BudgetStatusResponse } from '@sightline/contracts';
import { startOfUtcDay, startOfUtcMonth } from './alert-metrics.ts';
import { fromChTime, newId, nextVersion, num, toChTime, type AlertsDriver, type Clock } from './db.ts';

/** Budgets (CRUD) and the budget guard's status, read from the rollups and cached briefly. */

const STATUS_TTL_MS = 2_000;
const MAX_CACHED = 10_000;

type BudgetFields = Omit<Budget, 'id' | 'createdAt' | 'updatedAt'>;

function toBudget(r: Record<string, unknown>): Budget {
  return {
    id: String(r.Id),
    name: String(r.Name),
    scope: r.Scope === 'user' ? 'user' : 'project',
    userId: r.UserId === '' ? null : String(r.UserId),
    limitUsd: num(r.LimitUsd),
    window: r.BudgetWindow as Budget['window'],
    rollingHours: num(r.RollingHours),
    createdAt: fromChTime(r.CreatedAt),
    updatedAt: fromChTime(r.UpdatedAt),
  };
}

export class BudgetService {
  private readonly cache = new Map<string, { at: number; value: BudgetStatusResponse }>();

  constructor(
    private readonly db: AlertsDriver,
    private readonly clock: Clock,
  ) {}

  async list(projectId: string): Promise<Budget[]> {
    const rows = await this.db.query(
      `SELECT * FROM budgets FINAL WHERE ProjectId = {p:String} AND Deleted = 0 ORDER BY Scope, CreatedAt, Id`,
      { p: projectId },
    );
    return rows.map(toBudget);
  }

  async get(projectId: string, id: string): Promise<Budget | null> {
    const rows = await this.db.query(
      `SELECT * FROM budgets FINAL WHERE ProjectId = {p:String} AND Id = {id:String} AND Deleted = 0`,
      { p: projectId, id },
    );
    return rows[0] ? toBudget(rows[0]) : null;
  }

  async save(projectId: string, fields: BudgetFields, existing?: Budget, deleted = false): Promise<Budget> {
    const now = this.clock.now();
    const id = existing?.id ?? newId('bud');
    await this.db.insert('budgets', [
      {
        ProjectId: projectId,
        Id: id,
        Name: fields.name,
        Scope: fields.scope,
        UserId: fields.userId ?? '',
        LimitUsd: fields.limitUsd,
        BudgetWindow: fields.window,
        RollingHours: fields.rollingHours,
        CreatedAt: toChTime(existing ? new Date(existing.createdAt) : now),
        UpdatedAt: toChTime(now),
        Deleted: deleted ? 1 : 0,
        Version: nextVersion(),
      },
    ]);
    this.cache.clear();
    return { ...fields, id, createdAt: existing?.createdAt ?? now.toISOString(), updatedAt: now.toISOString() };
  }

  /**
   * What the SDK's guard asks before each call. Project budgets always apply; per-user budgets apply
   * when `userId` is given (and, for a budget naming one user, only to that user).
   */
  async status(projectId: string, userId: string | undefined): Promise<BudgetStatusResponse> {
    const key = `${projectId}\u0000${userId ?? ''}`;
    const nowMs = this.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && nowMs - hit.at < STATUS_TTL_MS) return hit.value;
    const budgets = (await this.list(projectId)).filter(
      (b) => b.scope === 'project' || (userId !== undefined && userId !== '' && (b.userId === null || b.userId === userId)),
    );
    const items = await Promise.all(
      budgets.map(async (b) => ({
        id: b.id,
        scope: b.scope,
        limitUsd: b.limitUsd,
        spentUsd: await this.spent(projectId, b, b.scope === 'user' ? userId : undefined),
        window: b.window,
      })),
    );
    const value = { exhausted: items.some((b) => b.spentUsd >= b.limitUsd), budgets: items };
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, { at: nowMs, value });
    return value;
  }

  private async spent(projectId: string, b: Budget, userId: string | undefined): Promise<number> {
    const now = this.clock.now();
    let from: Date;
    let table = 'rollup_hourly';
    if (b.window === 'day') from = startOfUtcDay(now);
    else if (b.window === 'month') from = startOfUtcMonth(now);
    else {
      from = new Date(Math.floor((now.getTime() - b.rollingHours * 3_600_000) / 60_000) * 60_000);
      if (b.rollingHours <= 24) table = 'rollup_minutely';
    }
    const rows = await this.db.query<{ Nanos: number | string }>(
      `SELECT sum(CostNanos) AS Nanos FROM ${table}
       WHERE ProjectId = {p:String} AND Bucket >= toDateTime({from:UInt32}, 'UTC') AND ({u:String} = '' OR UserId = {u:String})`,
      { p: projectId, from: Math.floor(from.getTime() / 1000), u: userId ?? '' },
    );
    return num(rows[0]?.Nanos ?? 0) / 1e9;
  }
}
