import type { Driver } from '@sightline/storage';
import { generateKey, hashKey, isPlausibleKey, keyDisplayPrefix, newKeyId } from './key-format.ts';

export const DEFAULT_PROJECT_ID = 'default';

export interface ApiKeyInfo {
  id: string;
  projectId: string;
  name: string;
  /** First characters of the key, for recognising it in a list. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  /** When the key last authenticated a request, to about a minute across servers; null if never. */
  lastUsedAt: string | null;
}

interface KeyRow {
  Id: string;
  ProjectId: string;
  Name: string;
  Prefix: string;
  CreatedAt: string;
  RevokedAt: string | null;
  LastUsedAt?: string | null;
}

/** How often a server writes the last use of the keys it saw (and once more when it closes). */
export const KEY_USAGE_FLUSH_MS = 60_000;

/**
 * Projects and API keys in ClickHouse (tables from migration 0100). Keys are stored only as hashes;
 * the plaintext exists once, in the answer to `create`. Lookups are cached for `cacheTtlMs`, which
 * bounds how long a revoked key keeps working on a server that did not revoke it itself.
 */
export class KeyStore {
  private readonly cache = new Map<string, { projectId: string | null; keyId: string | null; expires: number }>();
  /** Bumped when a key is added or revoked: a lookup read across that write is not cached. */
  private writes = 0;
  /** Key id → last successful lookup (epoch ms) not yet written to `api_key_usage`. */
  private readonly unwrittenUse = new Map<string, number>();
  private usageTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly pepper: string,
    private readonly cacheTtlMs = 5000,
    /** Told when writing key usage fails (it is kept and tried again at the next flush). */
    private readonly onUsageError: (err: unknown) => void = () => undefined,
  ) {}

  /**
   * Creates the default project on first start. Returns a new key for it when it has no usable key
   * (first start, or every key revoked) so the operator is never locked out; null otherwise. With
   * `bootstrapKey` that key is registered instead and nothing is returned (the operator chose it).
   */
  async bootstrap(bootstrapKey: string | undefined): Promise<{ projectId: string; key: string | null; keyId: string | null }> {
    await this.ensureDefaultProject();
    if (bootstrapKey !== undefined) {
      if (!isPlausibleKey(bootstrapKey)) throw new TypeError('SIGHTLINE_BOOTSTRAP_KEY must be 20–200 printable characters without spaces');
      if ((await this.resolve(bootstrapKey)) === null) await this.insertKey(DEFAULT_PROJECT_ID, 'bootstrap', bootstrapKey);
      return { projectId: DEFAULT_PROJECT_ID, key: null, keyId: null };
    }
    const active = (await this.listKeys(DEFAULT_PROJECT_ID)).filter((k) => k.revokedAt === null);
    if (active.length > 0) return { projectId: DEFAULT_PROJECT_ID, key: null, keyId: null };
    const { key, info } = await this.createKey(DEFAULT_PROJECT_ID, 'default');
    return { projectId: DEFAULT_PROJECT_ID, key, keyId: info.id };
  }

  /** The default project exists afterwards; no key is made (for the CLI, which prints its own). */
  async ensureDefaultProject(): Promise<void> {
    if (!(await this.projectExists(DEFAULT_PROJECT_ID))) await this.createProject(DEFAULT_PROJECT_ID, 'Default project');
  }

  async createProject(id: string, name: string): Promise<void> {
    await this.driver.insert('projects', [{ Id: id, Name: name, CreatedAt: now(), Deleted: 0, Version: nextVersion() }]);
  }

  async projectExists(id: string): Promise<boolean> {
    const rows = await this.driver.query('SELECT 1 FROM projects FINAL WHERE Id = {id:String} AND Deleted = 0', { id });
    return rows.length > 0;
  }

  /** A new random key for the project; the plaintext is returned here and never stored. */
  async createKey(projectId: string, name: string): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = generateKey();
    return { key, info: await this.insertKey(projectId, name, key) };
  }

  async listKeys(projectId: string): Promise<ApiKeyInfo[]> {
    const rows = await this.driver.query<KeyRow>(
      `SELECT k.Id AS Id, k.ProjectId AS ProjectId, k.Name AS Name, k.Prefix AS Prefix, toString(k.CreatedAt) AS CreatedAt,
         if(isNull(k.RevokedAt), NULL, toString(k.RevokedAt)) AS RevokedAt, if(u.KeyId = '', NULL, toString(u.LastUsedAt)) AS LastUsedAt
       FROM (SELECT Id, ProjectId, Name, Prefix, CreatedAt, RevokedAt FROM api_keys FINAL WHERE ProjectId = {projectId:String}) AS k
       LEFT JOIN (
         SELECT KeyId, max(LastUsedAt) AS LastUsedAt FROM api_key_usage
         WHERE KeyId IN (SELECT Id FROM api_keys WHERE ProjectId = {projectId:String}) GROUP BY KeyId
       ) AS u ON u.KeyId = k.Id
       ORDER BY k.CreatedAt`,
      { projectId },
    );
    return rows.map((row) => {
      const info = toInfo(row);
      // Uses this server saw since its last write are newer than anything stored.
      const unwritten = this.unwrittenUse.get(info.id);
      return unwritten === undefined ? info : { ...info, lastUsedAt: new Date(unwritten).toISOString() };
    });
  }

  /** Revokes a key of this project; false when the project has no such key (another project's ids are invisible). */
  async revokeKey(projectId: string, id: string): Promise<boolean> {
    const rows = await this.driver.query<KeyRow & { Hash: string }>(
      `SELECT Id, ProjectId, Name, Prefix, Hash, toString(CreatedAt) AS CreatedAt, RevokedAt
       FROM api_keys FINAL WHERE ProjectId = {projectId:String} AND Id = {id:String}`,
      { projectId, id },
    );
    const row = rows[0];
    if (!row) return false;
    await this.driver.insert('api_keys', [
      { Id: row.Id, ProjectId: row.ProjectId, Name: row.Name, Prefix: row.Prefix, Hash: row.Hash, CreatedAt: row.CreatedAt, RevokedAt: now(), Version: nextVersion() },
    ]);
    this.cache.delete(row.Hash);
    this.writes++;
    return true;
  }

  /** The project a key belongs to, or null for an unknown or revoked key. */
  async resolve(key: string): Promise<string | null> {
    return (await this.lookup(key)).projectId;
  }

  async lookup(key: string): Promise<{ projectId: string | null; keyId: string | null }> {
    const found = await this.find(key);
    if (found.keyId !== null) this.noteUse(found.keyId);
    return found;
  }

  /**
   * Writes the last use of the keys looked up since the previous write. Runs every
   * KEY_USAGE_FLUSH_MS while keys are in use; `close` runs it once more.
   */
  async flushUsage(): Promise<void> {
    if (this.unwrittenUse.size === 0) return;
    const uses = [...this.unwrittenUse];
    this.unwrittenUse.clear();
    try {
      await this.driver.insert('api_key_usage', uses.map(([KeyId, ms]) => ({ KeyId, LastUsedAt: sqlTime(new Date(ms)) })));
    } catch (err) {
      // Kept for the next flush, unless the key was used again meanwhile (that time is newer).
      for (const [id, ms] of uses) if (!this.unwrittenUse.has(id)) this.unwrittenUse.set(id, ms);
      throw err;
    }
  }

  /** Stops the usage timer and writes what it had not written yet. */
  async close(): Promise<void> {
    clearInterval(this.usageTimer);
    this.usageTimer = undefined;
    await this.flushUsage();
  }

  private noteUse(keyId: string): void {
    this.unwrittenUse.set(keyId, Date.now());
    if (this.usageTimer !== undefined) return;
    this.usageTimer = setInterval(() => {
      this.flushUsage().catch((err: unknown) => this.onUsageError(err));
    }, KEY_USAGE_FLUSH_MS);
    this.usageTimer.unref();
  }

  private async find(key: string): Promise<{ projectId: string | null; keyId: string | null }> {
    if (!isPlausibleKey(key)) return { projectId: null, keyId: null };
    const hash = hashKey(key, this.pepper);
    const hit = this.cache.get(hash);
    if (hit && hit.expires > Date.now()) return hit;
    const writes = this.writes;
    const rows = await this.driver.query<{ Id: string; ProjectId: string }>(
      'SELECT Id, ProjectId FROM api_keys FINAL WHERE Hash = {hash:String} AND isNull(RevokedAt) LIMIT 1',
      { hash },
    );
    const entry = { projectId: rows[0]?.ProjectId ?? null, keyId: rows[0]?.Id ?? null, expires: Date.now() + this.cacheTtlMs };
    // A key revoked while this lookup read it: this request may pass (it came first), the next not.
    if (writes !== this.writes) return entry;
    // Bounded: a flood of random bad keys must not grow memory without limit.
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, entry);
    return entry;
  }

  private async insertKey(projectId: string, name: string, key: string): Promise<ApiKeyInfo> {
    const row = { Id: newKeyId(), ProjectId: projectId, Name: name, Prefix: keyDisplayPrefix(key), Hash: hashKey(key, this.pepper), CreatedAt: now(), RevokedAt: null, Version: nextVersion() };
    await this.driver.insert('api_keys', [row]);
    this.cache.delete(row.Hash);
    this.writes++;
    return toInfo(row);
  }
}

let lastVersion = 0;
/** Strictly increasing, so a revoke in the same millisecond as the create still wins the merge. */
function nextVersion(): number {
  lastVersion = Math.max(Date.now(), lastVersion + 1);
  return lastVersion;
}

function now(): string {
  return sqlTime(new Date());
}

/** A DateTime64(3) literal in UTC: `2026-11-23 17:30:00.123`. */
function sqlTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

function toInfo(r: KeyRow): ApiKeyInfo {
  const iso = (t: string): string => (t.includes('T') ? t : `${t.replace(' ', 'T')}Z`);
  return {
    id: r.Id,
    projectId: r.ProjectId,
    name: r.Name,
    prefix: r.Prefix,
    createdAt: iso(r.CreatedAt),
    revokedAt: r.RevokedAt === null ? null : iso(r.RevokedAt),
    lastUsedAt: r.LastUsedAt === null || r.LastUsedAt === undefined ? null : iso(r.LastUsedAt),
  };
}
