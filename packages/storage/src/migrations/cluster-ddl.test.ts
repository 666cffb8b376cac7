import { describe, expect, it } from 'vitest';
import { createMigrationContext } from './context.ts';
import { MIGRATIONS } from './index.ts';

const ddl = (cluster?: string, retentionDays = 30): string[] =>
  MIGRATIONS.flatMap((m) => m.up(createMigrationContext({ database: 'obs', cluster, retentionDays })));

describe('cluster-ready DDL', () => {
  it('emits ON CLUSTER, sharded Replicated engines and Distributed tables over *_local', () => {
    const statements = ddl('prod');
    for (const sql of statements) expect(sql).toContain(" ON CLUSTER `prod`");
    const spansLocal = statements.find((s) => s.includes('`obs`.`spans_local`') && s.startsWith('CREATE TABLE'));
    expect(spansLocal).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', IngestedAt)",
    );
    expect(statements).toContain(
      "CREATE TABLE IF NOT EXISTS `obs`.`spans` ON CLUSTER `prod` AS `obs`.`spans_local` ENGINE = Distributed('prod', 'obs', 'spans_local', cityHash64(TraceId))",
    );
    for (const table of ['trace_index', 'rollup_hourly', 'rollup_minutely']) {
      expect(statements.some((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS \`obs\`.\`${table}\` ON CLUSTER \`prod\` AS \`obs\`.\`${table}_local\` ENGINE = Distributed(`))).toBe(true);
      const local = statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS \`obs\`.\`${table}_local\``));
      expect(local).toContain("ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')");
    }
    // Views read and write the local tables on each node, so every shard aggregates its own spans.
    const views = statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views).toHaveLength(3);
    for (const view of views) {
      expect(view).toMatch(/TO `obs`\.`\w+_local` AS/);
      expect(view).toContain('FROM `obs`.`spans_local`');
    }
    // 0007: the new keys reach the local tables, the views (in place, on every node) and the
    // Distributed tables, which keep column lists of their own.
    const upgrade = MIGRATIONS.find((m) => m.id === '0007-rollup-endpoint-config')?.up(createMigrationContext({ database: 'obs', cluster: 'prod' })) ?? [];
    for (const table of ['spans', 'rollup_hourly', 'rollup_minutely']) {
      expect(upgrade.some((s) => s.startsWith(`ALTER TABLE \`obs\`.\`${table}_local\` ON CLUSTER \`prod\``) && s.includes('ADD COLUMN IF NOT EXISTS Endpoint'))).toBe(true);
      expect(upgrade.some((s) => s.startsWith(`ALTER TABLE \`obs\`.\`${table}\` ON CLUSTER \`prod\` ADD COLUMN IF NOT EXISTS Endpoint LowCardinality(String)`))).toBe(true);
    }
    for (const table of ['rollup_hourly', 'rollup_minutely']) {
      const modify = upgrade.find((s) => s.startsWith(`ALTER TABLE \`obs\`.\`${table}_mv\` ON CLUSTER \`prod\` MODIFY QUERY`));
      expect(modify).toContain('FROM `obs`.`spans_local`');
      expect(modify).toMatch(/GROUP BY .*ServiceTier, Endpoint, ConfigVersion$/);
    }
  });

  it('replicates small metadata tables to every node', () => {
    const ctx = createMigrationContext({ database: 'obs', cluster: 'prod' });
    expect(ctx.engine('ReplacingMergeTree(Version)')).toBe(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{replica}', Version)",
    );
    expect(ctx.engine('MergeTree')).toBe("ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{replica}')");
    expect(ctx.distributed('x', 'rand()')).toHaveLength(1);
    expect(() => ctx.engine('Memory')).toThrow(/MergeTree-family/);
  });

  it('emits plain engines and no ON CLUSTER on a single node', () => {
    const statements = ddl(undefined);
    for (const sql of statements) {
      expect(sql).not.toContain('ON CLUSTER');
      expect(sql).not.toContain('Replicated');
      expect(sql).not.toContain('Distributed');
      expect(sql).not.toContain('_local');
    }
  });

  it('puts retention into the TTLs and keeps minute rollups short', () => {
    const withTtl = ddl(undefined, 14).join('\n');
    expect(withTtl).toContain('TTL toDateTime(Timestamp) + INTERVAL 14 DAY');
    expect(withTtl).toContain('PARTITION BY toDate(Timestamp)');
    expect(withTtl).toMatch(/rollup_minutely[\s\S]*TTL Bucket \+ INTERVAL 3 DAY/);
    const forever = ddl(undefined, 0).join('\n');
    expect(forever).not.toContain('TTL toDateTime(Timestamp)');
    expect(forever).toContain('PARTITION BY toYYYYMM(Timestamp)');
    expect(forever).toContain('TTL Bucket + INTERVAL 3 DAY');
  });

  it('rejects identifiers that could smuggle SQL', () => {
    expect(() => createMigrationContext({ database: 'x`; DROP' })).toThrow(/database must match/);
    expect(() => createMigrationContext({ cluster: "a'b" })).toThrow(/cluster must match/);
    expect(() => createMigrationContext({ retentionDays: -1 })).toThrow(/retentionDays/);
  });

  it('keeps migration ids unique and ascending', () => {
    const ids = MIGRATIONS.map((m) => m.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
