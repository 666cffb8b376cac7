// BENCHMARKS.md sections for ingest (issue 4), the viewer bundle, alerts and the cost engine.
import type { AlertsBenchFigures } from './alerts.ts';
import type { CostBenchFigures } from './cost.ts';
import type { IngestBenchFigures } from './ingest.ts';
import { kib, num, ratio, table, verdict, type Section, type TargetRow } from './report-format.ts';
import type { ViewerBundleFigures } from './viewer-bundle.ts';

const HEADERS = ['figure', 'median', 'spread', 'ratio', 'reference', 'target', 'result'];

export function ingestSection(f: IngestBenchFigures): Section {
  const rows: string[][] = [
    ['end to end (acknowledged → queryable in ClickHouse)', `${num(f.endToEndSpansPerSec)} spans/s`, 'one timed run', ratio(f.endToEndSpansPerSec, f.floorSpansPerSec), 'floor', '≥ 25,000 spans/s', verdict(f.endToEndSpansPerSec >= 25_000)],
    ['acknowledged (200 = durable)', `${num(f.ackedSpansPerSec)} spans/s`, 'one timed run', ratio(f.ackedSpansPerSec, f.floorSpansPerSec), 'floor', '', ''],
    ['floor: decode + normalise + insert, one process, no HTTP (reference)', `${num(f.floorSpansPerSec)} spans/s`, 'one timed run', '1.00×', '', '', ''],
    ['request latency', `p50 ${num(f.requestP50Ms, 1)} ms`, `p95 ${num(f.requestP95Ms, 1)} ms, p99 ${num(f.requestP99Ms, 1)} ms`, '', '', 'p95 ≤ 250 ms', verdict(f.requestP95Ms <= 250)],
    ['spans lost (acknowledged, not stored, or stored twice)', num(f.lost), `${num(f.acknowledged)} acknowledged, ${num(f.stored)} stored, ${num(f.duplicates)} duplicates`, '', '', '0', verdict(f.lost === 0)],
    ['requests retried after 429/503', num(f.retried), '', '', '', '', ''],
    ...(f.sustained === undefined
      ? []
      : [
          [`sustained: ${num(f.sustained.spans)} more spans, end to end`, `${num(f.sustained.endToEndSpansPerSec)} spans/s`, 'one timed run', ratio(f.sustained.endToEndSpansPerSec, f.floorSpansPerSec), 'floor', '≥ 25,000 spans/s', verdict(f.sustained.endToEndSpansPerSec >= 25_000)],
          ['sustained: request latency', `p95 ${num(f.sustained.requestP95Ms, 1)} ms`, '', '', '', 'p95 ≤ 250 ms', verdict(f.sustained.requestP95Ms <= 250)],
          ['sustained: spans lost', num(f.sustained.lost), `${num(f.sustained.acknowledged)} acknowledged, ${num(f.sustained.retried)} requests retried`, '', '', '0', verdict(f.sustained.lost === 0)],
        ]),
  ];
  const markdown = [
    '## Ingest end to end (issue 4)',
    '',
    `Method: ${num(f.spans)} LLM spans of ~${num(f.spanBytes)} B (OTLP protobuf) sent by a load process on loopback to the real server ` +
      '(Hono, OTLP/HTTP protobuf, embedded chDB), 256 spans per request, 6 requests in flight, every span with a unique id. ' +
      'Acknowledged spans are counted back in ClickHouse (lost = acknowledged − stored + duplicates). The floor, measured in the same run ' +
      'and process as the server, decodes, normalises and inserts the same bodies without HTTP: the ratio is how close the service gets to it. ' +
      `Load generator and server share the ${num(f.cores)} cores (load average ${num(f.loadAverage, 1)} at the end).` +
      (f.sustained === undefined
        ? ''
        : ` Then, sustained: ${num(f.sustained.spans)} more spans against the same server, past the 500k keys of the de-duplication memory and with merges of ever bigger parts in the window.`),
    '',
    table(HEADERS, rows),
  ].join('\n');
  const targets: TargetRow[] = [
    { issue: '4', what: 'end-to-end ingest rate', target: '≥ 25,000 spans/s', measured: `${num(f.endToEndSpansPerSec)} spans/s`, pass: f.endToEndSpansPerSec >= 25_000 },
    { issue: '4', what: 'spans lost', target: '0', measured: num(f.lost), pass: f.lost === 0 },
    { issue: '4', what: 'request latency p95', target: '≤ 250 ms', measured: `${num(f.requestP95Ms, 1)} ms`, pass: f.requestP95Ms <= 250 },
    { issue: '4', what: 'end to end ÷ floor', target: 'reported', measured: ratio(f.endToEndSpansPerSec, f.floorSpansPerSec), pass: null },
    ...(f.sustained === undefined
      ? []
      : [
          { issue: '4', what: `end-to-end ingest rate, sustained over ${num(f.sustained.spans)} more spans`, target: '≥ 25,000 spans/s', measured: `${num(f.sustained.endToEndSpansPerSec)} spans/s`, pass: f.sustained.endToEndSpansPerSec >= 25_000 },
          { issue: '4', what: 'spans lost, sustained', target: '0', measured: num(f.sustained.lost), pass: f.sustained.lost === 0 },
        ]),
  ];
  return { markdown, targets };
}

export function viewerSection(f: ViewerBundleFigures): Section {
  const rows: string[][] = [
    ['first page JavaScript (gzip)', kib(f.firstPageGzipBytes), 'deterministic build', ratio(f.firstPageGzipBytes, f.firstPageBudgetBytes), 'budget', `≤ ${kib(f.firstPageBudgetBytes)}`, verdict(f.firstPageGzipBytes <= f.firstPageBudgetBytes)],
    ['all JavaScript incl. lazy chunks (gzip)', kib(f.totalGzipBytes), 'deterministic build', ratio(f.totalGzipBytes, f.totalBudgetBytes), 'budget', `≤ ${kib(f.totalBudgetBytes)}`, verdict(f.totalGzipBytes <= f.totalBudgetBytes)],
    ['CSS (gzip)', kib(f.cssGzipBytes), '', '', '', '', ''],
  ];
  const chunks = f.chunks.map((c) => [c.fileName, kib(c.gzipBytes), c.lazy ? 'lazy' : 'first page']);
  const markdown = [
    '## Viewer bundle',
    '',
    `Method: a production \`vite build\` of apps/viewer into a temporary directory (${num(f.buildMs / 1000, 1)} s); sizes from the build's own ` +
      'bundle report, gzipped. The ratio is size ÷ budget (below 1 is inside the budget).',
    '',
    table(HEADERS, rows),
    '',
    table(['chunk', 'gzip', 'loaded'], chunks),
  ].join('\n');
  const targets: TargetRow[] = [
    { issue: '9', what: 'viewer first-page JavaScript (gzip)', target: `≤ ${kib(f.firstPageBudgetBytes)}`, measured: kib(f.firstPageGzipBytes), pass: f.firstPageGzipBytes <= f.firstPageBudgetBytes },
    { issue: '9', what: 'viewer total JavaScript (gzip)', target: `≤ ${kib(f.totalBudgetBytes)}`, measured: kib(f.totalGzipBytes), pass: f.totalGzipBytes <= f.totalBudgetBytes },
  ];
  return { markdown, targets };
}

export function alertsSection(f: AlertsBenchFigures): Section {
  const ref = f.budgetStatusUncachedMs;
  const rows: string[][] = Object.entries(f.evaluateMedianMs).map(([name, ms]) => [`evaluate rule: ${name}`, `${num(ms, 1)} ms`, '—', ratio(ms, ref), 'budget status read', '', '']);
  rows.push(
    ['budget status from the rollups (reference)', `${num(ref, 1)} ms`, '—', '1.00×', '', '', ''],
    ['budget status, cached', `${num(f.budgetStatusCachedMs, 3)} ms`, '—', ratio(f.budgetStatusCachedMs, ref), 'budget status read', '', ''],
    ['sign a ~1 KB webhook message', `${num(f.signMicrosPerMessage, 1)} µs`, 'mean of 20,000', '', '', '', ''],
    ['webhook delivery to a loopback receiver (outbox + log writes)', `${num(f.deliveriesPerSec)} messages/s`, 'one timed run', '', '', '', ''],
  );
  const markdown = [
    '## Alerts and webhooks',
    '',
    `Method: ${num(f.spans)} spans synthesised over 2 days; each rule is saved and evaluated through the real evaluator once to warm up, ` +
      'then timed (median; the benchmark keeps no spread). The reference is one budget-status read from the rollups in the same run; ' +
      'a rule costing a few of those reads fits many times into a 60 s evaluation interval.',
    '',
    table(HEADERS, rows),
  ].join('\n');
  return { markdown, targets: [] };
}

export function costSection(f: CostBenchFigures): Section {
  const rows: string[][] = [
    ['price one call (`priceUsage`)', `${num(f.priceUsageMicros, 2)} µs`, 'median of 7 × 20,000', ratio(f.priceUsageMicros, f.normaliseMicrosPerSpan), 'normalise one span', '', ''],
    ['normalise one OTLP span (reference)', `${num(f.normaliseMicrosPerSpan, 1)} µs`, 'median of 3 passes', '1.00×', '', '', ''],
    ['normalise rate, one core', `${num(f.normaliseSpansPerSec)} spans/s`, 'median of 3 passes', '', '', '', ''],
    [`re-cost ${num(f.recostSpans)} stored spans, rollups rebuilt`, `${num(f.recostSpansPerSec)} spans/s`, `${num(f.recostMs)} ms, one run`, ratio(f.recostSpansPerSec, f.normaliseSpansPerSec), 'normalise rate', '', ''],
  ];
  const markdown = [
    '## Cost engine',
    '',
    'Method: `priceUsage` over mixed models (snapshots, one unpriced); the normaliser over spans with two ~2 KB content attributes; ' +
      're-costing after a price override on one model, against embedded chDB. The reference is normalising one span in the same run.',
    '',
    table(HEADERS, rows),
  ].join('\n');
  return { markdown, targets: [] };
}
