// CPU per span of the server's JavaScript ingest stages (protobuf decode, normalise, encode to the
// insert line), without HTTP or chDB in the process, so A/B comparisons of those stages are not
// buried under the engine's threads on a shared 2-core box.
// Run: pnpm tsx --conditions=@sightline/source bench/ingest-stages.ts [--spans=N] [--rounds=N] [--batch=N] [--json]
import { pathToFileURL } from 'node:url';
import { createPriceBook } from '../packages/pricing/src/index.ts';
import { encodeSpan } from '../packages/storage/src/index.ts';
import { decodeOtlpProtobuf } from '../apps/server/src/ingest/protobuf-decode.ts';
import type { DecodedExportRequest } from '../apps/server/src/ingest/decoded-span.ts';
import { normaliseResourceSpans } from '../apps/server/src/normalise/index.ts';
import type { SpanRow } from '../packages/contracts/src/index.ts';
import { bodyTemplate, stampedBody } from './ingest-load.ts';

export interface StageFigures {
  spans: number;
  rounds: number;
  /** Median over rounds of process CPU (user + system) µs per span, per stage. */
  cpuUsPerSpan: { decode: number; normalise: number; encode: number; total: number };
  /** [min, max] over rounds. */
  spread: { decode: [number, number]; normalise: [number, number]; encode: [number, number]; total: [number, number] };
}

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

export function measureStages(opts: { spans?: number; rounds?: number; spansPerRequest?: number } = {}): StageFigures {
  const perRequest = opts.spansPerRequest ?? 256;
  const requests = Math.ceil((opts.spans ?? 20_000) / perRequest);
  const rounds = opts.rounds ?? 5;
  const template = bodyTemplate(perRequest);
  const priceBook = createPriceBook();
  const bodies = Array.from({ length: requests }, (_, r) => stampedBody(template, 3, r));
  const n = requests * perRequest;
  const samples = { decode: [] as number[], normalise: [] as number[], encode: [] as number[], total: [] as number[] };
  // One warm-up round (JIT), then the measured ones. Stages run one request at a time, as the
  // server's intake does, so each stage's CPU is measured alone with a server's live heap.
  for (let round = 0; round <= rounds; round++) {
    const us = { decode: 0, normalise: 0, encode: 0 };
    let sink = 0;
    for (const body of bodies) {
      let t = cpuNow();
      const decoded: DecodedExportRequest = decodeOtlpProtobuf(body);
      us.decode += cpuNow() - t;
      t = cpuNow();
      const rows: SpanRow[] = [];
      for (const rs of decoded.resourceSpans) rows.push(...normaliseResourceSpans(rs, { projectId: 'stages', priceBook }).rows);
      us.normalise += cpuNow() - t;
      t = cpuNow();
      for (const row of rows) sink += encodeSpan(row).line.byteLength;
      us.encode += cpuNow() - t;
    }
    if (sink === 0) throw new Error('nothing encoded');
    if (round === 0) continue;
    samples.decode.push(us.decode / n);
    samples.normalise.push(us.normalise / n);
    samples.encode.push(us.encode / n);
    samples.total.push((us.decode + us.normalise + us.encode) / n);
  }
  const med = (xs: number[]) => round2([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0);
  const spread = (xs: number[]): [number, number] => [round2(Math.min(...xs)), round2(Math.max(...xs))];
  return {
    spans: n,
    rounds,
    cpuUsPerSpan: { decode: med(samples.decode), normalise: med(samples.normalise), encode: med(samples.encode), total: med(samples.total) },
    spread: { decode: spread(samples.decode), normalise: spread(samples.normalise), encode: spread(samples.encode), total: spread(samples.total) },
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const v = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
    return v === undefined ? undefined : Number(v);
  };
  if (process.argv.includes('--help')) {
    process.stdout.write('usage: bench/ingest-stages.ts [--spans=20000] [--rounds=5] [--batch=256] [--json]\n');
    process.exit(0);
  }
  const f = measureStages({ spans: arg('spans') ?? 20_000, rounds: arg('rounds') ?? 5, spansPerRequest: arg('batch') ?? 256 });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(f)}\n`);
  else {
    const line = (k: keyof StageFigures['cpuUsPerSpan']) => `  ${k.padEnd(10)} ${String(f.cpuUsPerSpan[k]).padStart(7)} µs/span  [${f.spread[k].join('–')}]`;
    process.stdout.write(
      [`ingest JS stages, CPU per span (median of ${f.rounds} rounds over ${f.spans} spans, no HTTP, no chDB)`, line('decode'), line('normalise'), line('encode'), line('total')].join('\n') + '\n',
    );
  }
}
