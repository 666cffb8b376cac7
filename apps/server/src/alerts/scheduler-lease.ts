import { hostname } from 'node:os';
import { fromChTime, newId, nextVersion, toChTime, type AlertsDriver } from './db.ts';

/**
 * Leadership for the alert scheduler when several servers share one ClickHouse: the holder renews a
 * single row on every pass; others stand by until it lapses. ClickHouse has no compare-and-set, so
 * after writing, a candidate reads the row back and leads only if its write is the one kept (highest
 * Version). Two servers taking over in the same instant may both run one pass; after that, one leads.
 * Lease times are wall time: they coordinate real processes, whatever clock evaluations use.
 */

export const LEASE_MS = 15_000;

export class SchedulerLease {
  readonly holder = `${hostname()}/${process.pid}/${newId('s')}`;

  constructor(
    private readonly db: AlertsDriver,
    private readonly leaseMs = LEASE_MS,
  ) {}

  /** True when this process may run the scheduler's pass now. */
  async acquire(): Promise<boolean> {
    const now = Date.now();
    const current = await this.read();
    if (current && current.holder !== this.holder && current.expiresAt > now) return false;
    await this.db.insert('alert_scheduler_lease', [
      { Id: 'scheduler', Holder: this.holder, ExpiresAt: toChTime(new Date(now + this.leaseMs)), Version: nextVersion() },
    ]);
    return (await this.read())?.holder === this.holder;
  }

  /** Lets a standby take over at once on shutdown instead of waiting for the lease to lapse. */
  async release(): Promise<void> {
    const current = await this.read();
    if (current?.holder !== this.holder) return;
    await this.db.insert('alert_scheduler_lease', [{ Id: 'scheduler', Holder: '', ExpiresAt: toChTime(new Date(0)), Version: nextVersion() }]);
  }

  private async read(): Promise<{ holder: string; expiresAt: number } | null> {
    const rows = await this.db.query<{ Holder: string; ExpiresAt: string }>(
      `SELECT Holder, ExpiresAt FROM alert_scheduler_lease FINAL WHERE Id = 'scheduler'`,
    );
    const row = rows[0];
    return row ? { holder: row.Holder, expiresAt: Date.parse(fromChTime(row.ExpiresAt)) } : null;
  }
}
