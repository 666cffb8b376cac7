// Child-process entry of bench/run.ts: runs one benchmark and writes its figures as JSON to a file,
// so progress lines (stderr) never mix with the result.
//   node --conditions=@sightline/source --import tsx bench/run-one.ts <bench> '<opts json>' <out.json>
import { writeFileSync } from 'node:fs';
import type { BenchName } from './bench-plan.ts';

async function runBench(bench: BenchName, opts: Record<string, unknown>, log: (line: string) => void): Promise<unknown> {
  switch (bench) {
    case 'storage':
      return (await import('./storage.ts')).runStorageBench({ ...opts, log });
    case 'queries':
      return (await import('./queries.ts')).runQueryBench({ ...opts, log });
    case 'sdk':
      return (await import('./sdk-overhead.ts')).runSdkBench({ ...opts, log });
    case 'ingest':
      return (await import('./ingest.ts')).runIngestBench({ ...opts, log });
    case 'viewer':
      return (await import('./viewer-bundle.ts')).runViewerBundleBench({ log });
    case 'alerts':
      return (await import('./alerts.ts')).runAlertsBench({ ...opts, log });
    case 'cost':
      return (await import('./cost.ts')).runCostBench({ ...opts, log });
  }
}

const [bench, optsJson, outFile] = process.argv.slice(2);
if (bench === undefined || optsJson === undefined || outFile === undefined) {
  process.stderr.write('usage: run-one.ts <bench> <opts json> <out file>\n');
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`    ${line}\n`);
try {
  const figures = await runBench(bench as BenchName, JSON.parse(optsJson) as Record<string, unknown>, log);
  writeFileSync(outFile, JSON.stringify(figures));
  // chDB and servers may keep handles open; the figures are written, so end here.
  process.exit(0);
} catch (err) {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
