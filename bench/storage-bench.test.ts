import { describe, expect, it } from 'vitest';
import { runStorageBench } from './storage.ts';

// The benchmark itself prints figures; this only proves it runs end to end and measures what it
// claims (every query returned data, the synthetic spans landed) on a small data set. No timings.
describe('storage benchmark (smoke)', () => {
  it('inserts, synthesises and queries a small data set', async () => {
    const figures = await runStorageBench({ spans: 20_000, insertRows: 2_000, batchSize: 1_000, largeBatchSize: 2_000, largeBatchRows: 4_000, sustainedRows: 3_000, runs: 1 });
    expect(figures.spans).toBe(20_000);
    expect(figures.avgRowBytes).toBeGreaterThan(4_000);
    expect(figures.avgRowBytes).toBeLessThan(5_500);
    expect(figures.insertRowsPerSec).toBeGreaterThan(0);
    expect(figures.insertCpuUsPerRow).toBeGreaterThan(0);
    expect(figures.largeBlocks?.batchSize).toBe(2_000);
    expect(figures.largeBlocks?.insertCpuUsPerRow).toBeGreaterThan(0);
    expect(figures.sustained?.rows).toBe(3_000);
    expect(figures.sustained?.insertCpuUsPerRow).toBeGreaterThan(0);
    expect(figures.sustained?.generationCpuUsPerRow).toBeGreaterThan(0);
    expect(figures.bytesOnDiskPerSpan).toBeGreaterThan(50);
    expect(Object.keys(figures.queryMedianMs).sort()).toEqual(
      ['errorRateByModel', 'p95LatencyByModel', 'spendByModelHour', 'traceDetail', 'traceList'].sort(),
    );
  }, 300_000);

  it('measures the insert alone with --insert-only (no synthesis, no queries)', async () => {
    const figures = await runStorageBench({ spans: 20_000, insertRows: 3_000, batchSize: 1_000, largeBatchSize: 0, sustainedRows: 0, inFlight: 3, insertOnly: true });
    expect(figures.insertRowsPerSec).toBeGreaterThan(0);
    expect(figures.insertCpuUsPerRow).toBeGreaterThan(0);
    expect(figures.spans).toBe(0);
    expect(figures.largeBlocks).toBeUndefined();
    expect(figures.sustained).toBeUndefined();
    expect(figures.queryMedianMs).toEqual({});
    expect(Object.keys(figures.targets).sort()).toEqual(['insertRowsPerSec', 'insertRowsPerSecAllCores']);
  }, 120_000);

  it('runs the statements given after the migrations, for schema A/B runs', async () => {
    const lines: string[] = [];
    const figures = await runStorageBench({
      insertRows: 1_000, batchSize: 1_000, largeBatchSize: 0, sustainedRows: 0, insertOnly: true,
      afterMigrate: ['ALTER TABLE spans DROP INDEX idx_res_attr_key'], log: (line) => lines.push(line),
    });
    expect(figures.insertCpuUsPerRow).toBeGreaterThan(0);
    expect(lines).toContain('after the migrations: ALTER TABLE spans DROP INDEX idx_res_attr_key');
    // Run for real: an index that is not there any more cannot be dropped twice.
    await expect(
      runStorageBench({ insertRows: 1_000, batchSize: 1_000, largeBatchSize: 0, sustainedRows: 0, insertOnly: true, afterMigrate: ['ALTER TABLE spans DROP INDEX idx_res_attr_key', 'ALTER TABLE spans DROP INDEX idx_res_attr_key'] }),
    ).rejects.toThrow(/idx_res_attr_key/);
  }, 120_000);
});
