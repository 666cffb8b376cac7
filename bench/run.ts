// `pnpm bench`: runs every benchmark in turn, each in a child process, and writes BENCHMARKS.md.
//   pnpm bench [--quick] [--only=storage,queries,sdk,ingest,viewer,alerts,cost] [--spans10m] [--out=FILE]
//   pnpm bench --render=RAW.json   (re-renders the Markdown from the raw figures a run saved)
// --quick: small sizes, a smoke check of the whole pipeline in a few minutes (figures not comparable).
// --spans10m: adds the storage and query runs at 10M spans (long: synthesis and merges take minutes).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitRevision, keyVersions, loadAverages, machineInfo, ROOT } from './bench-env.ts';
import { benchPlan, parseOnly, type BenchJob } from './bench-plan.ts';
import { renderReport, type BenchRun, type JobResult } from './report.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const flag = (name: string) => process.argv.includes(`--${name}`);
const progress = (line: string) => process.stdout.write(`${line}\n`);
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Runs one job in a child; resolves with its figures or the tail of its output on failure. */
function runJob(job: BenchJob, workDir: string): Promise<{ figures?: unknown; error?: string }> {
  const outFile = join(workDir, `${job.id}.json`);
  const child = spawn(
    process.execPath,
    ['--conditions=@sightline/source', '--import', 'tsx', join(ROOT, 'bench', 'run-one.ts'), job.bench, JSON.stringify(job.opts), outFile],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let tail = '';
  const keep = (d: Buffer) => {
    process.stdout.write(d);
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      tail += `\n(killed after ${Math.round(job.timeoutMs / 60_000)} min)`;
      child.kill('SIGKILL');
    }, job.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ error: err.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return resolve({ error: `exit ${code ?? signal}\n${tail}` });
      try {
        resolve({ figures: JSON.parse(readFileSync(outFile, 'utf8')) as unknown });
      } catch (err) {
        resolve({ error: `no figures written (${(err as Error).message})\n${tail}` });
      }
    });
  });
}

async function main(): Promise<number> {
  const render = arg('render');
  if (render !== undefined) {
    const out = join(ROOT, arg('out') ?? 'BENCHMARKS.md');
    writeFileSync(out, renderReport(JSON.parse(readFileSync(render, 'utf8')) as BenchRun));
    progress(`re-rendered ${out} from ${render}`);
    return 0;
  }
  const quick = flag('quick');
  const spans10m = flag('spans10m');
  const plan = benchPlan({ quick, spans10m, only: parseOnly(arg('only')) });
  const outPath = join(ROOT, arg('out') ?? 'BENCHMARKS.md');
  const command = ['pnpm bench', ...process.argv.slice(2)].join(' ');
  const started = new Date();
  const loadStart = loadAverages();
  const machine = machineInfo();
  progress(`${command}: ${plan.length} benchmark runs on ${machine.cores} cores (${machine.cpuModel}), load average ${loadStart.join(' / ')}`);
  const workDir = mkdtempSync(join(tmpdir(), 'sightline-bench-run-'));
  const jobs: JobResult[] = [];
  try {
    for (const [i, job] of plan.entries()) {
      const loadBefore = loadAverages()[0];
      progress(`\n[${i + 1}/${plan.length}] ${job.id} ${JSON.stringify(job.opts)} (load ${loadBefore})`);
      const t0 = performance.now();
      const result = await runJob(job, workDir);
      const seconds = (performance.now() - t0) / 1000;
      const loadAfter = loadAverages()[0];
      progress(`[${i + 1}/${plan.length}] ${job.id}: ${result.error === undefined ? 'done' : 'FAILED'} in ${seconds.toFixed(0)} s`);
      jobs.push({ id: job.id, bench: job.bench, opts: job.opts, seconds, loadBefore, loadAfter, ...result } as JobResult);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const loadEnd = loadAverages();
  const notes: string[] = [];
  if (quick) notes.push('Quick run (`--quick`): small sizes to check the pipeline end to end. These figures are not the benchmark; run `pnpm bench`.');
  if (Math.max(loadStart[0], loadEnd[0]) > machine.cores) {
    notes.push(`The machine was loaded (1-min load average up to ${Math.max(loadStart[0], loadEnd[0])} on ${machine.cores} cores): absolute figures are pessimistic; ratios to same-run references hold better.`);
  }
  const failed = jobs.filter((j) => j.error !== undefined);
  if (failed.length > 0) notes.push(`Incomplete: ${failed.map((j) => j.id).join(', ')} failed (see the run log at the end).`);
  const run: BenchRun = {
    command,
    startedAt: utc(started),
    finishedAt: utc(new Date()),
    revision: gitRevision((cmd, args) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8' })),
    notes,
    machine,
    loadStart,
    loadEnd,
    versions: keyVersions(),
    jobs,
  };
  writeFileSync(outPath, renderReport(run));
  // The raw figures, so the report can be re-rendered (--render=FILE) without measuring again.
  const rawPath = join(tmpdir(), `sightline-bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(rawPath, `${JSON.stringify(run, null, 2)}\n`);
  progress(`\nwrote ${outPath} (${jobs.length - failed.length}/${jobs.length} benchmark runs ok); raw figures in ${rawPath}`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
