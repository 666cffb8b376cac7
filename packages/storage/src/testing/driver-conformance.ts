import { MAX_CONTENT_BYTES, type SpanRow } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { StorageError } from '../errors.ts';
import { migrate } from '../migrate.ts';
import { MIGRATIONS } from '../migrations/index.ts';
import { configureSpanDedup, forgetRecentSpanKeys, insertSpans } from '../spans/insert-spans.ts';
import { SPAN_ROW_SELECT, fromSpanSelectRow, toSpanInsertRow } from '../spans/span-insert-row.ts';
import { rebuildRollups } from '../rollups.ts';
import { hex, nanosAgo, spanMix, spanRow } from './span-fixtures.ts';

/**
 * The one suite every Driver passes. `open` returns a driver bound to a fresh database; the suite
 * migrates it and exercises the schema, de-duplication and rollups through the public functions.
 */
export function describeDriverConformance(name: string, open: () => Promise<Driver>): void {
  describe(`driver conformance: ${name}`, () => {
    let driver: Driver;
    beforeAll(async () => {
      driver = await open();
    });
    afterAll(async () => {
      await driver?.close();
    });

    it('applies migrations once, and a second run skips them all', async () => {
      const first = await migrate(driver, { retentionDays: 30 });
      expect(first.applied).toEqual(MIGRATIONS.map((m) => m.id));
      const second = await migrate(driver, { retentionDays: 30 });
      expect(second).toEqual({ applied: [], skipped: MIGRATIONS.map((m) => m.id) });
      const ledger = await driver.query<{ n: number }>('SELECT count() AS n FROM schema_migrations FINAL');
      expect(ledger[0]?.n).toBe(MIGRATIONS.length);
    });

    it('round-trips every column, unicode and max-size content, nanosecond timestamps', async () => {
      const tricky = 'emoji 🧪👩🏽‍🔬, CJK 漢字かなカナ한글, RTL עברית العربية, controls \u0001\u0007\t\r\n "quotes" \\ back';
      // Inside the 30-day retention (older parts are dropped by TTL), with every nanosecond digit set.
      const ts = BigInt(nanosAgo(3_600_000)) - (BigInt(nanosAgo(3_600_000)) % 1_000_000_000n) + 123_456_789n;
      const row: SpanRow = spanRow({
        ProjectId: 'proj_roundtrip',
        Timestamp: ts.toString(),
        TraceState: 'vendor=1',
        SpanName: tricky,
        ParentSpanId: hex(8),
        ResourceAttributes: { 'service.name': 'x', [tricky]: tricky },
        SpanAttributes: { 'a.b': '[1,2]', empty: '' },
        Duration: 987_654_321_987,
        StatusCode: 'Error',
        StatusMessage: tricky,
        Events: [
          { Timestamp: (ts + 1n).toString(), Name: 'gen_ai.choice', Attributes: { index: '0', text: tricky } },
          { Timestamp: (ts + 876_543_210n).toString(), Name: 'exception', Attributes: {} },
        ],
        Links: [{ TraceId: hex(16), SpanId: hex(8), TraceState: 'k=v', Attributes: { why: tricky } }],
        TtftMs: null,
        FinishReasons: ['length', 'tool_calls'],
        FailureClass: 'validation',
        UserId: tricky,
        InputContent: 'x'.repeat(MAX_CONTENT_BYTES - 8) + '漢🧪',
        OutputContent: tricky.repeat(2000),
        ContentTruncated: 1,
        CostNanos: 9_007_199_254_740_991,
        CostSource: 'explicit',
        Convention: 'openinference',
        Diagnostics: ['no usage: stream without include_usage', tricky],
        Attempt: 3,
        ReasoningTokens: 4_294_967_296,
      });
      const plain = spanRow({ ProjectId: 'proj_roundtrip', Timestamp: (ts - 123_456_788n).toString(), TtftMs: 0.125 });
      expect(await insertSpans(driver, [row, plain])).toEqual({ inserted: 2, duplicates: 0 });
      const back = await driver.query(
        `SELECT ${SPAN_ROW_SELECT} FROM spans WHERE ProjectId = {p:String} ORDER BY Timestamp DESC`,
        { p: 'proj_roundtrip' },
      );
      expect(back.map(fromSpanSelectRow)).toEqual([row, plain]);
      const [ingested] = await driver.query<{ age: number }>(
        `SELECT dateDiff('second', IngestedAt, now64(3)) AS age FROM spans WHERE SpanId = {s:String}`,
        { s: row.SpanId },
      );
      expect(Math.abs(ingested?.age ?? 999)).toBeLessThan(120);
    });

    it('binds values as parameters, never as SQL', async () => {
      const hostile = "x' OR 1=1 --";
      const rows = await driver.query<{ v: string; n: number }>(
        'SELECT {v:String} AS v, (SELECT count() FROM spans WHERE ProjectId = {v:String}) AS n',
        { v: hostile },
      );
      expect(rows).toEqual([{ v: hostile, n: 0 }]);
    });

    it('inserts ISO-8601, epoch-millisecond and nanosecond-string times into any table, and rejects unknown columns', async () => {
      await driver.command(
        `CREATE TABLE IF NOT EXISTS conformance_times (Id UInt32, At DateTime64(3, 'UTC'), Ns DateTime64(9, 'UTC'), Note Nullable(String))
         ENGINE = MergeTree ORDER BY Id`,
      );
      await driver.insert('conformance_times', [
        { Id: 1, At: '2026-11-23T10:20:30.456Z', Ns: '1795429230456789012', Note: null },
        { Id: 2, At: 1795429230456, Ns: '1795429230000000001', Note: 'x' },
      ]);
      const rows = await driver.query(
        `SELECT Id, toString(At) AS At, toString(toUnixTimestamp64Nano(Ns)) AS Ns, Note FROM conformance_times ORDER BY Id`,
      );
      expect(rows).toEqual([
        { Id: 1, At: '2026-11-23 10:20:30.456', Ns: '1795429230456789012', Note: null },
        { Id: 2, At: '2026-11-23 10:20:30.456', Ns: '1795429230000000001', Note: 'x' },
      ]);
      await expect(driver.insert('conformance_times', [{ Id: 3, Nope: 1 }])).rejects.toMatchObject({ code: 'INSERT_FAILED' });
      await driver.command('DROP TABLE conformance_times');
    });

    it('counts a redelivered batch once in raw spans and every rollup', async () => {
      const projectId = `proj_dedup_${hex(3)}`;
      const batch = spanMix(300, 7, projectId);
      expect(await insertSpans(driver, batch)).toEqual({ inserted: 300, duplicates: 0 });
      // Same batch again, and a batch repeating a span inside itself.
      expect(await insertSpans(driver, batch)).toEqual({ inserted: 0, duplicates: 300 });
      const extra = spanRow({ ProjectId: projectId });
      expect(await insertSpans(driver, [extra, extra, batch[0] as SpanRow])).toEqual({ inserted: 1, duplicates: 2 });
      // After a restart with nothing remembered, the lookup against spans still catches them.
      forgetRecentSpanKeys(driver);
      configureSpanDedup(driver, { windowMs: 0 });
      expect(await insertSpans(driver, batch.slice(0, 50))).toEqual({ inserted: 0, duplicates: 50 });
      forgetRecentSpanKeys(driver);
      await expectCounts(driver, projectId, 301);
    });

    it('writes a span once when overlapping batches arrive concurrently', async () => {
      const projectId = `proj_race_${hex(3)}`;
      const batch = spanMix(120, 3, projectId);
      const results = await Promise.all([
        insertSpans(driver, batch),
        insertSpans(driver, [...batch].reverse()),
        insertSpans(driver, batch.slice(60)),
        insertSpans(driver, [spanRow({ ProjectId: projectId })]),
      ]);
      expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(121);
      expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(120 + 60);
      await expectCounts(driver, projectId, 121);
    });

    it('drops a retried insert carrying the same dedup token, with its rollup blocks', async () => {
      const projectId = `proj_token_${hex(3)}`;
      const rows = spanMix(40, 11, projectId).map(toSpanInsertRow);
      await driver.insert('spans', rows, { dedupToken: `retry-${projectId}` });
      await driver.insert('spans', rows, { dedupToken: `retry-${projectId}` });
      await expectCounts(driver, projectId, 40);
    });

    it('keeps rollups equal to aggregates over the raw spans', async () => {
      const projectId = `proj_rollup_${hex(3)}`;
      const mix = spanMix(1_000, 99, projectId);
      for (let i = 0; i < mix.length; i += 250) await insertSpans(driver, mix.slice(i, i + 250));
      for (const table of ['rollup_hourly', 'rollup_minutely']) {
        const bucket = table === 'rollup_hourly' ? 'toStartOfHour' : 'toStartOfMinute';
        const fromRollup = await driver.query(
          `SELECT toString(Bucket) AS b, Model AS m, Endpoint AS e, ConfigVersion AS cv, sum(Calls) AS calls, sum(Errors) AS errors, sum(InputTokens) AS inT,
             sum(OutputTokens) AS outT, sum(CacheReadTokens) AS cacheR, sum(ReasoningTokens) AS reasoning,
             sum(CostNanos) AS cost, sum(DurationSumNs) AS dur, sum(ValidationFailures) AS vf, sum(Retries) AS retries,
             toString(max(MaxTimestamp)) AS maxTs
           FROM ${table} WHERE ProjectId = {p:String} GROUP BY b, m, e, cv ORDER BY b, m, e, cv`,
          { p: projectId },
        );
        const fromRaw = await driver.query(
          `SELECT toString(${bucket}(Timestamp)) AS b, if(ResponseModel != '', ResponseModel, RequestModel) AS m,
             if(SpanAttributes['sightline.endpoint'] != '', SpanAttributes['sightline.endpoint'], if(ParentSpanId = '', SpanName, '')) AS e,
             SpanAttributes['sightline.config.version'] AS cv, count() AS calls,
             countIf(StatusCode = 'Error') AS errors, sum(InputTokens) AS inT, sum(OutputTokens) AS outT,
             sum(CacheReadTokens) AS cacheR, sum(ReasoningTokens) AS reasoning, sum(CostNanos) AS cost,
             sum(Duration) AS dur, countIf(ValidationStatus = 'failed') AS vf, countIf(Attempt > 1) AS retries,
             toString(max(Timestamp)) AS maxTs
           FROM spans FINAL WHERE ProjectId = {p:String} GROUP BY b, m, e, cv ORDER BY b, m, e, cv`,
          { p: projectId },
        );
        expect(fromRollup.length).toBeGreaterThan(4);
        expect(fromRollup).toEqual(fromRaw);
        // Every kind of endpoint is there: the SDK's, a root's own name, none (a child without one).
        expect(new Set(fromRollup.map((row) => row['e']))).toEqual(new Set(['POST /chat', 'answer-ticket', 'chat gpt-4o-mini', '']));
        expect(new Set(fromRollup.map((row) => row['cv']))).toEqual(new Set(['cfg-1', 'cfg-2', '']));
      }
      // Dashboard-shaped queries (no UserId) are answered from the without_user projection: same sums.
      const byModel = `SELECT Model, sum(Calls) AS calls, sum(Errors) AS errors, sum(CostNanos) AS cost, sum(InputTokens) AS inT,
          toString(max(MaxTimestamp)) AS maxTs FROM rollup_hourly WHERE ProjectId = {p:String} GROUP BY Model ORDER BY Model`;
      const viaProjection = await driver.query(byModel, { p: projectId });
      expect(viaProjection.length).toBeGreaterThan(3);
      expect(viaProjection).toEqual(await driver.query(`${byModel} SETTINGS optimize_use_projections = 0`, { p: projectId }));
      // Cuts by endpoint and config version, the keys migration 0007 added, from the by_endpoint projection.
      const byEndpoint = `SELECT Endpoint, ConfigVersion, sum(Calls) AS calls, sum(CostNanos) AS cost FROM rollup_hourly
          WHERE ProjectId = {p:String} GROUP BY Endpoint, ConfigVersion ORDER BY Endpoint, ConfigVersion`;
      const endpointPlan = await driver.query<{ explain: string }>(`EXPLAIN indexes = 1 ${byEndpoint}`, { p: projectId });
      expect(endpointPlan.map((row) => row.explain).join('\n')).toContain('by_endpoint');
      const modelPlan = await driver.query<{ explain: string }>(`EXPLAIN indexes = 1 ${byModel}`, { p: projectId });
      expect(modelPlan.map((row) => row.explain).join('\n')).toMatch(/without_user|by_model/);
      expect(await driver.query(byEndpoint, { p: projectId })).toEqual(
        await driver.query(`${byEndpoint} SETTINGS optimize_use_projections = 0`, { p: projectId }),
      );
      const [q] = await driver.query<{ rollup: number[]; raw: number[]; ttft: number[]; rawTtft: number[] }>(
        `SELECT
           (SELECT quantilesTDigestMerge(0.5, 0.95, 0.99)(DurationMsQuantiles) FROM rollup_hourly WHERE ProjectId = {p:String}) AS rollup,
           (SELECT quantilesExact(0.5, 0.95, 0.99)(Duration / 1e6) FROM spans WHERE ProjectId = {p:String}) AS raw,
           (SELECT quantilesTDigestMerge(0.5, 0.95, 0.99)(TtftMsQuantiles) FROM rollup_hourly WHERE ProjectId = {p:String}) AS ttft,
           (SELECT quantilesExact(0.5, 0.95, 0.99)(TtftMs) FROM spans WHERE ProjectId = {p:String}) AS rawTtft`,
        { p: projectId },
      );
      // t-digest is approximate: within 5 % of the value range of the exact quantiles.
      for (const [approx, exact, range] of [
        [q?.rollup, q?.raw, 5_000],
        [q?.ttft, q?.rawTtft, 2_000],
      ] as const) {
        expect(approx).toHaveLength(3);
        approx?.forEach((value, i) => expect(Math.abs(value - (exact?.[i] ?? NaN))).toBeLessThan(range * 0.05));
      }
    });

    it('rebuilds rollups after a re-costing from de-duplicated raw spans', async () => {
      const projectId = `proj_recost_${hex(3)}`;
      const mix = spanMix(200, 5, projectId);
      await insertSpans(driver, mix);
      // A raw duplicate that slipped past ingest (e.g. two server processes): FINAL must ignore it.
      await driver.insert('spans', mix.slice(0, 3).map(toSpanInsertRow), { dedupToken: `slip-${projectId}` });
      await driver.command(
        `ALTER TABLE spans UPDATE CostNanos = CostNanos * 2 WHERE ProjectId = {p:String} SETTINGS mutations_sync = 2`,
        { p: projectId },
      );
      const from = new Date(Date.now() - 8 * 3_600_000).toISOString();
      await rebuildRollups(driver, projectId, from, new Date().toISOString());
      const expected = 2 * mix.reduce((sum, row) => sum + row.CostNanos, 0);
      for (const table of ['rollup_hourly', 'rollup_minutely']) {
        const [r] = await driver.query<{ cost: number; calls: number }>(
          `SELECT sum(CostNanos) AS cost, sum(Calls) AS calls FROM ${table} WHERE ProjectId = {p:String}`,
          { p: projectId },
        );
        expect(r).toEqual({ cost: expected, calls: 200 });
      }
      await expect(rebuildRollups(driver, projectId, 'yesterday', from)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('indexes each trace by start and end', async () => {
      const projectId = `proj_trace_${hex(3)}`;
      const traceId = hex(16);
      const root = spanRow({ ProjectId: projectId, TraceId: traceId, Timestamp: nanosAgo(10_000, 5), Duration: 3e9, SpanName: 'agent' });
      const child = spanRow({ ProjectId: projectId, TraceId: traceId, ParentSpanId: root.SpanId, Timestamp: nanosAgo(9_000), Duration: 1e9, StatusCode: 'Error' });
      await insertSpans(driver, [child]);
      await insertSpans(driver, [root]);
      const [t] = await driver.query(
        `SELECT toString(toUnixTimestamp64Nano(min(Start))) AS start, toString(toUnixTimestamp64Nano(max(End))) AS end,
           sum(Spans) AS spans, sum(Errors) AS errors, max(RootSpanName) AS root
         FROM trace_index WHERE ProjectId = {p:String} AND TraceId = {t:String} GROUP BY ProjectId, TraceId`,
        { p: projectId, t: traceId },
      );
      expect(t).toEqual({
        start: root.Timestamp,
        end: (BigInt(root.Timestamp) + 3_000_000_000n).toString(),
        spans: 2,
        errors: 1,
        root: 'agent',
      });
    });

    it('rejects a bad batch with a clear error and writes none of it', async () => {
      const projectId = `proj_bad_${hex(3)}`;
      const good = spanRow({ ProjectId: projectId });
      const bad = { ...spanRow({ ProjectId: projectId }), Timestamp: '2025-01-01T00:00:00Z' };
      await expect(insertSpans(driver, [good, bad])).rejects.toThrow(/span row 1: Timestamp/);
      const wrongType = { ...spanRow({ ProjectId: projectId }), InputTokens: 'many' } as unknown as SpanRow;
      const error = await insertSpans(driver, [good, wrongType]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).code).toBe('INSERT_FAILED');
      expect((error as StorageError).message).not.toContain('many');
      // Nothing half-written, and the good span still goes in on its own afterwards.
      await expectCounts(driver, projectId, 0);
      expect(await insertSpans(driver, [good])).toEqual({ inserted: 1, duplicates: 0 });
    });

    it('writes the retention TTL and cluster-free engines into a fresh database', async () => {
      const database = `${driver.database}_ttl`;
      await migrate(driver, { database, retentionDays: 7 });
      const ddl = await driver.query<{ name: string; create: string }>(
        `SELECT name, create_table_query AS create FROM system.tables WHERE database = {db:String} ORDER BY name`,
        { db: database },
      );
      const byName = new Map(ddl.map((t) => [t.name, t.create]));
      expect(byName.get('spans')).toMatch(/ReplacingMergeTree\(IngestedAt\)[\s\S]*TTL toDateTime\(Timestamp\) \+ toIntervalDay\(7\)/);
      // 0006: inserted blocks as Compact parts.
      expect(byName.get('spans')).toMatch(/SETTINGS [^\n]*min_rows_for_wide_part = 100000/);
      expect(byName.get('rollup_hourly')).toMatch(/TTL Bucket \+ toIntervalDay\(7\)/);
      expect(byName.get('rollup_minutely')).toMatch(/TTL Bucket \+ toIntervalDay\(3\)/);
      // A changed retention reaches the existing tables; the minute rollups keep their own TTL.
      const changed = await migrate(driver, { database, retentionDays: 14 });
      expect(changed.retentionChanged).toEqual(['spans', 'trace_index', 'rollup_hourly']);
      const [spans] = await driver.query<{ create: string }>(
        `SELECT create_table_query AS create FROM system.tables WHERE database = {db:String} AND name = 'spans'`,
        { db: database },
      );
      expect(spans?.create).toMatch(/TTL toDateTime\(Timestamp\) \+ toIntervalDay\(14\)/);
      expect((await migrate(driver, { database, retentionDays: 14 })).retentionChanged).toBeUndefined();
      await migrate(driver, { database, retentionDays: 0 });
      const [kept] = await driver.query<{ create: string }>(
        `SELECT create_table_query AS create FROM system.tables WHERE database = {db:String} AND name = 'spans'`,
        { db: database },
      );
      expect(kept?.create).not.toContain('TTL');
      await driver.command(`DROP DATABASE IF EXISTS \`${database}\``);
    });
  });
}

async function expectCounts(driver: Driver, projectId: string, expected: number): Promise<void> {
  const [row] = await driver.query<{ raw: number; hourly: number; minutely: number; traces: number }>(
    `SELECT
       (SELECT count() FROM spans WHERE ProjectId = {p:String}) AS raw,
       (SELECT sum(Calls) FROM rollup_hourly WHERE ProjectId = {p:String}) AS hourly,
       (SELECT sum(Calls) FROM rollup_minutely WHERE ProjectId = {p:String}) AS minutely,
       (SELECT sum(Spans) FROM trace_index WHERE ProjectId = {p:String}) AS traces`,
    { p: projectId },
  );
  expect(row).toEqual({ raw: expected, hourly: expected, minutely: expected, traces: expected });
}
