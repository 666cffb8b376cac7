import { randomUUID } from 'node:crypto';
import { PriceOverrideInput, type PriceOverride } from '@sightline/pricing';
import type { Driver } from '@sightline/storage';

export interface StoredOverride {
  override: PriceOverride;
  createdAt: string;
  updatedAt: string;
}

interface OverrideRow {
  Id: string;
  Body: string;
  CreatedAt: string;
  UpdatedAt: string;
}

/** Versions must grow even for two writes in the same millisecond. */
let lastVersion = 0;
function nextVersion(): number {
  lastVersion = Math.max(Date.now() * 1000, lastVersion + 1);
  return lastVersion;
}

const toDateTime = (iso: string) => iso.replace('T', ' ').replace('Z', '');

/** Per-project price overrides in `price_overrides` (latest Version wins, deletions are tombstones). */
export class OverrideStore {
  constructor(
    private readonly driver: Driver,
    /** Called for a stored override that no longer validates (it is left out of pricing). */
    private readonly onInvalid?: (projectId: string, id: string) => void,
  ) {}

  async list(projectId: string): Promise<StoredOverride[]> {
    const rows = await this.driver.query<OverrideRow>(
      `SELECT Id, Body, toString(CreatedAt) AS CreatedAt, toString(UpdatedAt) AS UpdatedAt
       FROM price_overrides FINAL WHERE ProjectId = {projectId:String} AND Deleted = 0
       ORDER BY EffectiveFrom, Id`,
      { projectId },
    );
    const out: StoredOverride[] = [];
    for (const row of rows) {
      // Bodies were validated on write; a row that no longer parses (schema moved on) is skipped,
      // not allowed to break pricing for the whole project.
      let body: unknown;
      try {
        body = JSON.parse(row.Body);
      } catch {
        this.onInvalid?.(projectId, row.Id);
        continue;
      }
      const parsed = PriceOverrideInput.safeParse(body);
      if (!parsed.success) {
        this.onInvalid?.(projectId, row.Id);
        continue;
      }
      out.push({ override: { ...parsed.data, id: row.Id }, createdAt: isoOf(row.CreatedAt), updatedAt: isoOf(row.UpdatedAt) });
    }
    return out;
  }

  async get(projectId: string, id: string): Promise<StoredOverride | null> {
    return (await this.list(projectId)).find((o) => o.override.id === id) ?? null;
  }

  /** Creates (no id) or replaces an override; returns it with its id. */
  async put(projectId: string, input: PriceOverrideInput, id?: string, createdAt?: string): Promise<StoredOverride> {
    const parsed = PriceOverrideInput.parse(input);
    const now = new Date().toISOString();
    const override: PriceOverride = { ...parsed, id: id ?? `po_${randomUUID().replace(/-/g, '').slice(0, 20)}` };
    const { id: _id, ...body } = override;
    await this.driver.insert('price_overrides', [
      {
        ProjectId: projectId,
        Id: override.id,
        Provider: override.provider,
        Model: override.model,
        EffectiveFrom: toDateTime(override.effectiveFrom),
        Body: JSON.stringify(body),
        CreatedAt: toDateTime(createdAt ?? now),
        UpdatedAt: toDateTime(now),
        Deleted: 0,
        Version: nextVersion(),
      },
    ]);
    return { override, createdAt: createdAt ?? now, updatedAt: now };
  }

  async delete(projectId: string, existing: StoredOverride): Promise<void> {
    const { id, ...body } = existing.override;
    await this.driver.insert('price_overrides', [
      {
        ProjectId: projectId,
        Id: id,
        Provider: existing.override.provider,
        Model: existing.override.model,
        EffectiveFrom: toDateTime(existing.override.effectiveFrom),
        Body: JSON.stringify(body),
        CreatedAt: toDateTime(existing.createdAt),
        UpdatedAt: toDateTime(new Date().toISOString()),
        Deleted: 1,
        Version: nextVersion(),
      },
    ]);
  }
}

function isoOf(chDateTime: string): string {
  return new Date(`${chDateTime.replace(' ', 'T')}Z`).toISOString();
}
