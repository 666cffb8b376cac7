import { DEFAULT_DATABASE, assertIdentifier } from '../config.ts';
import { StorageError } from '../errors.ts';

/** What a migration needs to emit DDL for a single node or a cluster. */
export interface MigrationContext {
  readonly database: string;
  readonly cluster: string | undefined;
  /** Days raw spans and hourly rollups are kept; 0 keeps them forever. */
  readonly retentionDays: number;
  /** `' ON CLUSTER `c`'` in cluster mode, else `''`. Append after the object name in DDL. */
  readonly onCluster: string;
  /** Qualified name readers and writers use: `db`.`name` (the Distributed table in cluster mode). */
  table(name: string): string;
  /** Qualified name of the table holding the data: `db`.`name_local` in cluster mode, else `table(name)`. */
  localTable(name: string): string;
  /**
   * The engine clause for a MergeTree-family engine, e.g. `ctx.engine('ReplacingMergeTree(Version)')`.
   * In cluster mode it becomes the Replicated engine: `sharded` tables (span data, behind a
   * Distributed table) replicate per shard; others (small metadata) replicate to every node.
   */
  engine(engine: string, opts?: { sharded?: boolean }): string;
  /** DDL for the Distributed table `name` over `name_local`; `[]` on a single node. */
  distributed(name: string, shardingKey: string): string[];
  /** `' TTL <expr> + INTERVAL n DAY'`, or `''` when `days` (default: retentionDays) is 0. */
  ttl(expr: string, days?: number): string;
}

export interface MigrationContextOptions {
  database?: string;
  cluster?: string | undefined;
  retentionDays?: number | undefined;
}

export function createMigrationContext(opts: MigrationContextOptions = {}): MigrationContext {
  const database = assertIdentifier(opts.database ?? DEFAULT_DATABASE, 'database');
  const cluster = opts.cluster === undefined ? undefined : assertIdentifier(opts.cluster, 'cluster');
  const retentionDays = opts.retentionDays ?? 0;
  if (!Number.isInteger(retentionDays) || retentionDays < 0) {
    throw new StorageError('INVALID_ARGUMENT', `retentionDays must be a whole number ≥ 0, got ${retentionDays}`);
  }
  const q = (name: string): string => `\`${database}\`.\`${assertIdentifier(name, 'table name')}\``;
  const onCluster = cluster === undefined ? '' : ` ON CLUSTER \`${cluster}\``;
  return {
    database,
    cluster,
    retentionDays,
    onCluster,
    table: q,
    localTable: (name) => (cluster === undefined ? q(name) : q(`${name}_local`)),
    engine(engine, engineOpts) {
      if (cluster === undefined) return engine;
      const match = /^(\w*MergeTree)(?:\((.*)\))?$/s.exec(engine.trim());
      if (match === null) throw new StorageError('INVALID_ARGUMENT', `not a MergeTree-family engine: ${engine}`);
      const [, family = '', args = ''] = match;
      // {shard}, {replica}, {database} and {table} are server macros, expanded per node at CREATE.
      const path = engineOpts?.sharded === true ? '/clickhouse/tables/{shard}/{database}/{table}' : '/clickhouse/tables/all/{database}/{table}';
      const rest = args.trim() === '' ? '' : `, ${args}`;
      return `Replicated${family}('${path}', '{replica}'${rest})`;
    },
    distributed(name, shardingKey) {
      if (cluster === undefined) return [];
      return [
        `CREATE TABLE IF NOT EXISTS ${q(name)}${onCluster} AS ${q(`${name}_local`)} ` +
          `ENGINE = Distributed('${cluster}', '${database}', '${name}_local', ${shardingKey})`,
      ];
    },
    ttl(expr, days = retentionDays) {
      return days > 0 ? ` TTL ${expr} + INTERVAL ${days} DAY` : '';
    },
  };
}
