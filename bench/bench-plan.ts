// Which benchmark runs with which sizes. Each job runs in a child process of its own (chDB allows
// one data directory per process, and a fresh process keeps one benchmark's heap and JIT state
// out of the next one's figures).

export const BENCH_NAMES = ['storage', 'queries', 'sdk', 'ingest', 'viewer', 'alerts', 'cost'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchJob {
  /** Unique per run: a benchmark can run at several sizes (storage at 1M and 10M spans). */
  id: string;
  bench: BenchName;
  /** Options passed to the benchmark's run function (JSON: numbers, strings, arrays). */
  opts: Record<string, unknown>;
  /** Kill the child after this long: a hung benchmark must not eat the whole run. */
  timeoutMs: number;
}

export interface PlanOptions {
  quick: boolean;
  spans10m: boolean;
  only?: BenchName[] | undefined;
}

const MIN = 60_000;

export function benchPlan(o: PlanOptions): BenchJob[] {
  const q = o.quick;
  const spanCounts = q ? [50_000] : o.spans10m ? [1_000_000, 10_000_000] : [1_000_000];
  const jobs: BenchJob[] = [];
  for (const spans of spanCounts) {
    const big = spans >= 10_000_000;
    jobs.push({
      id: `storage-${spans}`,
      bench: 'storage',
      opts: q
        ? { spans, insertRows: 10_000, batchSize: 5_000, largeBatchSize: 20_000, largeBatchRows: 40_000, runs: 5 }
        : { spans, insertRows: 100_000, batchSize: 10_000, largeBatchSize: 50_000, largeBatchRows: 200_000, runs: 15 },
      timeoutMs: (big ? 40 : q ? 5 : 12) * MIN,
    });
    jobs.push({
      id: `queries-${spans}`,
      bench: 'queries',
      opts: { spans, runs: q ? 3 : 9 },
      timeoutMs: (big ? 40 : q ? 5 : 12) * MIN,
    });
  }
  jobs.push({
    id: 'sdk',
    bench: 'sdk',
    opts: q ? { rounds: 1, calls: 150, blocks: 3, warmup: 500, stallMs: 600 } : { rounds: 3, calls: 150, blocks: 15, warmup: 2000, stallMs: 2000 },
    timeoutMs: (q ? 8 : 30) * MIN,
  });
  jobs.push({
    id: 'ingest',
    bench: 'ingest',
    opts: q ? { spans: 20_000, floorSpans: 5_000 } : { spans: 150_000, floorSpans: 50_000 },
    timeoutMs: (q ? 5 : 15) * MIN,
  });
  jobs.push({ id: 'viewer', bench: 'viewer', opts: {}, timeoutMs: 5 * MIN });
  jobs.push({
    id: 'alerts',
    bench: 'alerts',
    opts: q ? { spans: 50_000, messages: 100, runs: 3 } : { spans: 500_000, messages: 500, runs: 11 },
    timeoutMs: (q ? 5 : 15) * MIN,
  });
  jobs.push({ id: 'cost', bench: 'cost', opts: { spans: q ? 5_000 : 50_000 }, timeoutMs: (q ? 5 : 10) * MIN });
  // 10M-span runs last: they take longest, and a run stopped for time still reports everything else.
  const ordered = [...jobs.filter((j) => !j.id.endsWith('-10000000')), ...jobs.filter((j) => j.id.endsWith('-10000000'))];
  return o.only === undefined ? ordered : ordered.filter((j) => o.only?.includes(j.bench));
}

export function parseOnly(value: string | undefined): BenchName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(BENCH_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) in --only: ${unknown.join(', ')} (known: ${BENCH_NAMES.join(', ')})`);
  return names as BenchName[];
}
