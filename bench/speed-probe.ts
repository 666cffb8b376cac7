// How fast this machine is right now, on one core: a fixed JavaScript workload and a fixed query in
// the embedded engine, each timed as the best of a few rounds. The issues' figures are absolute
// ("on this 2-core machine"), and the machines a session gets differ: the same commit has measured
// 36.8k and 17k rows/s on two of them. Printed beside every report, so two reports can be compared.
//   node --conditions=@sightline/source --import tsx bench/speed-probe.ts   (prints the JSON)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openDriver } from '../packages/storage/src/index.ts';

export interface SpeedProbe {
  /** ms for 40,000 round trips of a ~2 KB chat message through JSON and UTF-8 (lower is faster). */
  jsMs: number;
  /** ms for one single-threaded engine query hashing 50M numbers as text (lower is faster). */
  engineMs: number;
}

const ROUNDS = 5;

function jsWorkload(): number {
  const message = { role: 'user', content: 'Revenue for Q3 was 12.4M, up 8% year on year, driven by renewals. '.repeat(30) };
  let bytes = 0;
  for (let i = 0; i < 40_000; i++) {
    const text = JSON.stringify({ ...message, n: i });
    bytes += Buffer.byteLength((JSON.parse(text) as { content: string }).content);
  }
  return bytes;
}

function best(times: number[]): number {
  return Math.round(Math.min(...times) * 10) / 10;
}

export async function runSpeedProbe(): Promise<SpeedProbe> {
  const js: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    if (jsWorkload() === 0) throw new Error('speed probe: the JS workload did nothing');
    js.push(performance.now() - t0);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-speed-probe-'));
  const driver = await openDriver({ mode: 'embedded', dataDir, database: 'probe' });
  try {
    const engine: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const rows = await driver.query<{ h: string }>('SELECT sum(cityHash64(toString(number))) AS h FROM numbers(50000000) SETTINGS max_threads = 1');
      engine.push(performance.now() - t0);
      if (rows.length !== 1) throw new Error('speed probe: the engine query returned no row');
    }
    return { jsMs: best(js), engineMs: best(engine) };
  } finally {
    await driver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runSpeedProbe())}\n`);
  process.exit(0);
}
