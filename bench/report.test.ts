import { describe, expect, it } from 'vitest';
import { renderReport, type BenchRun } from './report.ts';
import type { ModeFigures } from './sdk-overhead.ts';

const mode = (m: ModeFigures['mode'], stream: boolean, cpu: number, inCall: number, ratioToBare: number, stall = 2.5): ModeFigures => ({
  mode: m, stream, addedCpuUs: [cpu, cpu - 5, cpu + 5], addedCpuInCallUs: [inCall, inCall - 1, inCall + 1], addedWallUs: [40, 35, 48],
  addedNetWallUs: [60, 50, 70], baseCpuUs: 300, stallP99Ms: [stall, stall - 0.5, stall + 0.5], baseStallP99Ms: 1.5, achievedRate: 4980, heapGrowthMb: 1.2, ratioToBare,
});

const run: BenchRun = {
  command: 'pnpm bench', startedAt: '2026-11-23 02:05 UTC', finishedAt: '2026-11-23 02:25 UTC', revision: 'abc1234', notes: ['Incomplete: cost failed.'],
  machine: { cpuModel: 'Test CPU', cores: 2, memoryGb: 8, os: 'Linux 6', node: 'v20.20.2' },
  speed: { start: { jsMs: 228.4, engineMs: 251 }, end: { jsMs: 231, engineMs: 262.5 } },
  loadStart: [0.5, 0.4, 0.3], loadEnd: [1.9, 1.2, 0.8], versions: { node: 'v20.20.2', chdb: '3.4.0' },
  jobs: [
    {
      id: 'storage-1000000', bench: 'storage', seconds: 120, loadBefore: 0.5, loadAfter: 1.8,
      figures: {
        cores: 2, loadAverage: 1.8, spans: 1_000_000, avgRowBytes: 4600, insertRowsPerSec: 41_000, insertMBPerSec: 188, insertCpuUsPerRow: 40,
        insertRowsPerSecAllCores: 50_000, largeBlocks: { batchSize: 50_000, insertRowsPerSec: 30_000, insertCpuUsPerRow: 55, insertRowsPerSecAllCores: 36_364 },
        sustained: { rows: 1_000_000, insertRowsPerSec: 24_000, insertCpuUsPerRow: 75, insertRowsPerSecAllCores: 26_667, generationCpuUsPerRow: 6.5 }, synthRowsPerSec: 82_000, bytesOnDiskPerSpan: 460, rollupBytesOnDisk: 1e6,
        queryMedianMs: { traceList: 12, traceDetail: 60, spendByModelHour: 9, errorRateByModel: 30, p95LatencyByModel: 80 },
        querySpreadMs: { traceList: [10, 15], traceDetail: [55, 70], spendByModelHour: [8, 11], errorRateByModel: [25, 40], p95LatencyByModel: [70, 95] },
        targets: {},
      },
    },
    {
      id: 'sdk', bench: 'sdk', seconds: 300, loadBefore: 1, loadAfter: 1.5,
      figures: [mode('bare-otel', false, 100, 30, 1), mode('sightline', false, 60, 12, 0.6), mode('openllmetry', false, 180, 90, 1.8), mode('sightline', true, 90, 25, 0.9, 6)],
    },
    {
      id: 'ingest', bench: 'ingest', seconds: 60, loadBefore: 1, loadAfter: 1,
      figures: {
        cores: 2, loadAverage: 1, spans: 150_000, spanBytes: 4700, acknowledged: 150_000, stored: 150_000, lost: 0, duplicates: 0, ackedSpansPerSec: 30_000,
        endToEndSpansPerSec: 27_000, requestP50Ms: 40, requestP95Ms: 120, requestP99Ms: 300, retried: 0, floorSpansPerSec: 36_000, ratioToFloor: 0.75,
        sustained: { spans: 750_000, acknowledged: 750_000, lost: 0, endToEndSpansPerSec: 18_000, requestP95Ms: 160, retried: 2 },
      },
    },
    { id: 'cost', bench: 'cost', seconds: 3, loadBefore: 1, loadAfter: 1, error: 'exit 1\nError: boom' },
    {
      id: 'viewer', bench: 'viewer', seconds: 20, loadBefore: 1, loadAfter: 1, carriedFrom: '`pnpm bench` at 2026-11-22 23:00 UTC (commit 0ld0ne)',
      figures: {
        firstPageGzipBytes: 40_000, totalGzipBytes: 60_000, cssGzipBytes: 3_000, firstPageBudgetBytes: 61_440, totalBudgetBytes: 122_880,
        firstPageBudgetRatio: 0.65, totalBudgetRatio: 0.49, chunks: [], buildMs: 900,
      },
    },
  ],
};

describe('renderReport', () => {
  const md = renderReport(run);

  it('states the machine, its load at start and end, and the versions', () => {
    expect(md).toContain('| Test CPU | 2 | 8.0 GB | Linux 6 | v20.20.2 | 0.50 / 0.40 / 0.30 | 1.90 / 1.20 / 0.80 |');
    expect(md).toContain('| chdb | 3.4.0 |');
    expect(md).toContain('> Incomplete: cost failed.');
  });

  it('states the speed probe at the start and the end, and leaves it out of runs that had none', () => {
    expect(md).toContain('at the start, JS 228.4 ms, engine 251.0 ms; at the end, JS 231.0 ms, engine 262.5 ms.');
    const { speed: _speed, ...older } = run;
    expect(renderReport(older)).not.toContain('Speed probe');
  });

  it('renders storage figures with spread, ratio to the same-run reference and verdicts', () => {
    expect(md).toContain('| insert rate (wall) | 41,000 rows/s | one timed run | 0.50× | in-engine synthesis | ≥ 35,000 rows/s | PASS |');
    expect(md).toContain('| trace detail (all spans of one trace) | 60.0 ms | 55.0–70.0 | 1.20× | budget | ≤ 50 ms | **MISS** |');
    expect(md).toContain('| insert rate, 50,000-row blocks (wall) | 30,000 rows/s | one timed run | 0.37× | in-engine synthesis | ≥ 35,000 rows/s | **MISS** |');
    expect(md).toContain('| 2 | insert rate into chDB (2 cores), 50,000-row blocks | ≥ 35,000 rows/s | 30,000 rows/s | **MISS** |');
    expect(md).toContain('| insert rate sustained over 1,000,000 rows, 10,000-row blocks (wall) | 24,000 rows/s | one timed run | 0.29× | in-engine synthesis | ≥ 35,000 rows/s | **MISS** |');
    expect(md).toContain('| CPU per inserted row, sustained (making the rows, 6.5 µs, left out) | 75.0 µs |');
    expect(md).toContain('| 2 | insert rate into chDB (2 cores), sustained over 1,000,000 rows in 10,000-row blocks | ≥ 35,000 rows/s | 24,000 rows/s | **MISS** |');
    expect(md).toContain('| bytes on disk per span | 460 B | one measurement | 0.10× | row as JSON (4,600 B) |');
    expect(md).toContain('| 2 | trace list (latest 50 roots) median at 1M spans (10M not run) | ≤ 50 ms | 12.0 ms | PASS |');
  });

  it('checks the SDK targets against the bare span and the peers, per call kind', () => {
    expect(md).toContain('| Sightline | 60 | 55–65 | 0.60× | 12.0 | 40 | 35–48 | 2.5 [2.0–3.0] | 4,980 | 1.2 | 60 |');
    expect(md).toContain('| 3 | added CPU inside the call (plain) | ≤ 20 µs | 12.0 µs | PASS |');
    expect(md).toContain('| 3 | added CPU inside the call (streaming) | ≤ 20 µs | 25.0 µs | **MISS** |');
    expect(md).toContain('| 3 | event-loop stall p99 at 5k calls/s (streaming) | < 5 ms | 6.0 ms at 4,980 calls/s | **MISS** |');
    expect(md).toContain('| 3 | event-loop stall p99 at 5k calls/s (plain) | < 5 ms | 2.5 ms at 4,980 calls/s | PASS |');
    expect(md).toContain('| 9 | Sightline adds the least CPU (plain) | least of bare span and peers | 60 µs vs bare OTel span, same attributes (reference) 100 µs | PASS |');
    expect(md).toContain('| 9 | Sightline adds the least CPU (streaming) | least of bare span and peers | 90 µs; no peer measured | n/a |');
    expect(md).toMatch(/Not measured \(the worker failed; see the run log\): [^\n]*OpenInference/);
  });

  it('renders ingest against its floor and lists the failed benchmark with its output', () => {
    expect(md).toContain('| end to end (acknowledged → queryable in ClickHouse) | 27,000 spans/s | one timed run | 0.75× | floor | ≥ 25,000 spans/s | PASS |');
    expect(md).toContain('| 4 | request latency p95 | ≤ 250 ms | 120.0 ms | PASS |');
    expect(md).toContain('| sustained: 750,000 more spans, end to end | 18,000 spans/s | one timed run | 0.50× | floor | ≥ 25,000 spans/s | **MISS** |');
    expect(md).toContain('| 4 | end-to-end ingest rate, sustained over 750,000 more spans | ≥ 25,000 spans/s | 18,000 spans/s | **MISS** |');
    expect(md).toContain('| 4 | spans lost, sustained | 0 | 0 | PASS |');
    expect(md).toContain('| cost | 3 | 1.00 → 1.00 | FAILED |');
    expect(md).toContain('### cost failed\n\n```\nexit 1\nError: boom\n```');
  });

  it('names the earlier run a carried benchmark comes from', () => {
    expect(md).toContain('| viewer | 20 | 1.00 → 1.00 | ok, in `pnpm bench` at 2026-11-22 23:00 UTC (commit 0ld0ne) |');
  });

  it('is a pure function of the figures', () => {
    expect(renderReport(run)).toBe(md);
  });
});
