// BENCHMARKS.md sections for storage (issue 2) and the query API functions (issue 9).
import type { QueryBenchFigures } from './queries.ts';
import { num, ratio, spansLabel, spread, table, verdict, type Section, type TargetRow } from './report-format.ts';
import type { StorageBenchFigures } from './storage.ts';

const STORAGE_QUERIES: Record<string, { label: string; budgetMs: number }> = {
  traceList: { label: 'trace list (latest 50 roots)', budgetMs: 50 },
  traceDetail: { label: 'trace detail (all spans of one trace)', budgetMs: 50 },
  spendByModelHour: { label: 'dashboard: spend by model × hour (7 d)', budgetMs: 100 },
  errorRateByModel: { label: 'dashboard: error rate by model (7 d)', budgetMs: 100 },
  p95LatencyByModel: { label: 'dashboard: p95 latency by model (7 d)', budgetMs: 100 },
};

const HEADERS = ['figure', 'median', 'spread [min–max]', 'ratio', 'reference', 'target', 'result'];

/** A numeric benchmark option as text, or the benchmark's own default when the run did not set it. */
function opt(opts: Record<string, unknown>, key: string, fallback: number): string {
  const value = opts[key];
  return num(typeof value === 'number' ? value : fallback);
}

export function storageSection(runs: StorageBenchFigures[], opts: Record<string, unknown> = {}): Section {
  const sorted = [...runs].sort((a, b) => a.spans - b.spans);
  const parts: string[] = [
    '## Storage: inserts, dashboard queries, bytes on disk (issue 2)',
    '',
    `Method: ${opt(opts, 'insertRows', 100_000)} span rows of ~${num(sorted[0]?.avgRowBytes)} B as JSON (two ~2 KB content attributes) go through \`insertSpans\` — validation, de-duplication, ` +
      `TabSeparated into embedded chDB — in ${opt(opts, 'batchSize', 10_000)}-row batches (ingest's block size), two in flight; wall time and process CPU (JS and engine threads) are measured; ` +
      `then ${opt(opts, 'largeBatchRows', 200_000)} more rows in ${opt(opts, 'largeBatchSize', 50_000)}-row blocks, as the same path with bigger blocks (\`SIGHTLINE_INSERT_BATCH_ROWS\`). ` +
      `Then ${opt(opts, 'sustainedRows', 1_000_000)} more rows in ${opt(opts, 'batchSize', 10_000)}-row blocks, sustained: past the 500k keys the de-duplication memory holds, with merges of the bigger parts in the window; ` +
      'their spans started within the last second, as a server under steady load receives them, and each batch is made just before its insert (its making is left out of the CPU per row, not out of the wall time). ' +
      `The query data set is synthesised inside the engine (\`INSERT … SELECT\`) over 7 days; each query runs once to warm up, then ${opt(opts, 'runs', 15)} times ` +
      '(median, [min–max]); merges may still be running, as in production. Bytes on disk: active parts of `spans` / rows. ' +
      'References measured in the same run: the in-engine synthesis rate (the engine writing the same table without JS or JSON) for inserts, ' +
      'the row size as JSON for bytes on disk. Query ratios are median ÷ issue-2 budget (below 1 is inside the budget); ' +
      'the budgets are set at 10M spans; at smaller sizes they are shown for orientation.',
  ];
  const targets: TargetRow[] = [];
  const insertRows = Number(opts.insertRows ?? 100_000);
  const largeRows = Number(opts.largeBatchRows ?? 200_000);
  for (const f of sorted) {
    const rows: string[][] = [
      ['insert rate (wall)', `${num(f.insertRowsPerSec)} rows/s`, 'one timed run', ratio(f.insertRowsPerSec, f.synthRowsPerSec), 'in-engine synthesis', '≥ 35,000 rows/s', verdict(f.insertRowsPerSec >= 35_000)],
      ['CPU per inserted row', `${num(f.insertCpuUsPerRow, 1)} µs`, 'one timed run', '', '', '', ''],
      [`insert rate if all ${f.cores} cores were free (CPU-bound)`, `${num(f.insertRowsPerSecAllCores)} rows/s`, 'derived', ratio(f.insertRowsPerSecAllCores, f.synthRowsPerSec), 'in-engine synthesis', '≥ 35,000 rows/s', verdict(f.insertRowsPerSecAllCores >= 35_000)],
      ...(f.largeBlocks === undefined
        ? []
        : [
            [`insert rate, ${num(f.largeBlocks.batchSize)}-row blocks (wall)`, `${num(f.largeBlocks.insertRowsPerSec)} rows/s`, 'one timed run', ratio(f.largeBlocks.insertRowsPerSec, f.synthRowsPerSec), 'in-engine synthesis', '≥ 35,000 rows/s', verdict(f.largeBlocks.insertRowsPerSec >= 35_000)],
            [`CPU per inserted row, ${num(f.largeBlocks.batchSize)}-row blocks`, `${num(f.largeBlocks.insertCpuUsPerRow, 1)} µs`, 'one timed run', '', '', '', ''],
            [`insert rate, ${num(f.largeBlocks.batchSize)}-row blocks, if all ${f.cores} cores were free`, `${num(f.largeBlocks.insertRowsPerSecAllCores)} rows/s`, 'derived', ratio(f.largeBlocks.insertRowsPerSecAllCores, f.synthRowsPerSec), 'in-engine synthesis', '≥ 35,000 rows/s', verdict(f.largeBlocks.insertRowsPerSecAllCores >= 35_000)],
            // Merges the first run leaves for later run during the second: over both, neither is spared its share.
            [`CPU per inserted row over both runs (${num(insertRows + largeRows)} rows)`, `${num((f.insertCpuUsPerRow * insertRows + f.largeBlocks.insertCpuUsPerRow * largeRows) / (insertRows + largeRows), 1)} µs`, 'derived', '', '', '', ''],
          ]),
      ...(f.sustained === undefined
        ? []
        : [
            [`insert rate sustained over ${num(f.sustained.rows)} rows, ${opt(opts, 'batchSize', 10_000)}-row blocks (wall)`, `${num(f.sustained.insertRowsPerSec)} rows/s`, 'one timed run', ratio(f.sustained.insertRowsPerSec, f.synthRowsPerSec), 'in-engine synthesis', '≥ 35,000 rows/s', verdict(f.sustained.insertRowsPerSec >= 35_000)],
            [`CPU per inserted row, sustained (making the rows, ${num(f.sustained.generationCpuUsPerRow, 1)} µs, left out)`, `${num(f.sustained.insertCpuUsPerRow, 1)} µs`, 'one timed run', '', '', '', ''],
          ]),
      ['in-engine synthesis (reference)', `${num(f.synthRowsPerSec)} rows/s`, 'one timed run', '1.00×', '', '', ''],
      ['bytes on disk per span', `${num(f.bytesOnDiskPerSpan)} B`, 'one measurement', ratio(f.bytesOnDiskPerSpan, f.avgRowBytes), `row as JSON (${num(f.avgRowBytes)} B)`, '', ''],
    ];
    for (const [key, q] of Object.entries(STORAGE_QUERIES)) {
      const median = f.queryMedianMs[key];
      const range = f.querySpreadMs?.[key];
      rows.push([q.label, `${num(median, 1)} ms`, spread(range?.[0], range?.[1], 1), ratio(median ?? NaN, q.budgetMs), 'budget', `≤ ${q.budgetMs} ms`, verdict(median === undefined ? null : median <= q.budgetMs)]);
    }
    parts.push('', `### ${spansLabel(f.spans)} spans (${f.cores} cores, load average ${num(f.loadAverage, 1)} at the end)`, '', table(HEADERS, rows));
  }
  const first = sorted[0];
  if (first !== undefined) {
    targets.push({ issue: '2', what: `insert rate into chDB (${first.cores} cores), ${opt(opts, 'batchSize', 10_000)}-row blocks as ingest writes them`, target: '≥ 35,000 rows/s', measured: `${num(first.insertRowsPerSec)} rows/s`, pass: first.insertRowsPerSec >= 35_000 });
    const large = first.largeBlocks;
    if (large !== undefined) {
      targets.push({ issue: '2', what: `insert rate into chDB (${first.cores} cores), ${num(large.batchSize)}-row blocks`, target: '≥ 35,000 rows/s', measured: `${num(large.insertRowsPerSec)} rows/s`, pass: large.insertRowsPerSec >= 35_000 });
    }
    const sustained = first.sustained;
    if (sustained !== undefined) {
      targets.push({ issue: '2', what: `insert rate into chDB (${first.cores} cores), sustained over ${num(sustained.rows)} rows in ${opt(opts, 'batchSize', 10_000)}-row blocks`, target: '≥ 35,000 rows/s', measured: `${num(sustained.insertRowsPerSec)} rows/s`, pass: sustained.insertRowsPerSec >= 35_000 });
    }
  }
  const largest = sorted.at(-1);
  if (largest !== undefined) {
    const at = largest.spans >= 10_000_000 ? `at ${spansLabel(largest.spans)} spans` : `at ${spansLabel(largest.spans)} spans (10M not run)`;
    for (const [key, q] of Object.entries(STORAGE_QUERIES)) {
      const median = largest.queryMedianMs[key];
      targets.push({ issue: '2', what: `${q.label} median ${at}`, target: `≤ ${q.budgetMs} ms`, measured: `${num(median, 1)} ms`, pass: median === undefined ? null : median <= q.budgetMs });
    }
  }
  return { markdown: parts.join('\n'), targets };
}

/** Trace fetches answer a click; aggregates fill a dashboard panel: issue 2's two budgets. */
export function queryBudgetMs(name: string): number {
  return name.startsWith('traces:') || name === 'trace detail' ? 50 : 100;
}

export function queriesSection(runs: QueryBenchFigures[], opts: Record<string, unknown> = {}): Section {
  const sorted = [...runs].sort((a, b) => a.spans - b.spans);
  const parts: string[] = [
    '## Query API: every dashboard query and trace fetch (issue 9)',
    '',
    'Method: the storage functions the `/api` routes call (`listTraces`, `getTraceDetail`, `queryMetrics`, `queryTopList`, `compareSides`), ' +
      `on spans synthesised in the engine over 7 days; one warm-up, then ${opt(opts, 'runs', 9)} runs each (median, [min–max]). Ratio: median ÷ the issue-2 budget ` +
      '(50 ms for trace fetches, 100 ms for aggregates); the budgets are set at 10M spans.',
  ];
  const targets: TargetRow[] = [];
  for (const f of sorted) {
    const rows = Object.entries(f.medianMs).map(([name, median]) => {
      const budget = queryBudgetMs(name);
      const range = f.spreadMs?.[name];
      return [name, `${num(median, 1)} ms`, spread(range?.[0], range?.[1], 1), ratio(median, budget), 'budget', `≤ ${budget} ms`, verdict(median <= budget)];
    });
    parts.push('', `### ${spansLabel(f.spans)} spans (${f.cores} cores, load average ${num(f.loadAverage, 1)} at the end)`, '', table(HEADERS, rows));
  }
  const largest = sorted.at(-1);
  if (largest !== undefined) {
    const entries = Object.entries(largest.medianMs);
    const within = entries.filter(([name, median]) => median <= queryBudgetMs(name));
    const slowest = entries.reduce((a, b) => (b[1] / queryBudgetMs(b[0]) > a[1] / queryBudgetMs(a[0]) ? b : a), entries[0] ?? ['', NaN]);
    targets.push({
      issue: '2, 9',
      what: `every API query within its budget at ${spansLabel(largest.spans)} spans${largest.spans >= 10_000_000 ? '' : ' (10M not run)'}`,
      target: '50 ms fetch / 100 ms aggregate',
      measured: `${within.length}/${entries.length}; tightest: ${slowest[0]} ${num(slowest[1], 1)} ms`,
      pass: entries.length === 0 ? null : within.length === entries.length,
    });
  }
  return { markdown: parts.join('\n'), targets };
}
