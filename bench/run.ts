// `pnpm bench`: runs every benchmark in turn, each in a child process, and writes BENCHMARKS.md.
//   pnpm bench [--quick] [--only=storage,queries,sdk,ingest,viewer,alerts,cost] [--spans10m] [--out=FILE]
//   pnpm bench --render=RAW.json   (re-renders the Markdown from the raw figures a run saved)
//   pnpm bench --skip=storage-10000000 (leaves out runs by id; with --keep, their earlier figures are carried)
//   pnpm bench --only=sdk,ingest --keep=RAW.json   (measures those again; every other run's figures
//     come from the earlier run's raw file, and the report names that run beside them)
// --quick: small sizes, a smoke check of the whole pipeline in a few minutes (figures not comparable).
// --spans10m: adds the storage and query runs at 10M spans (long: synthesis and merges take minutes).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { cliArg, gitRevision, keyVersions, loadAverages, machineInfo, ROOT } from './bench-env.ts';
import { benchPlan, parseOnly, type BenchJob } from './bench-plan.ts';
import { renderReport, type BenchRun, type JobResult } from './report.ts';
import type { SpeedProbe } from './speed-probe.ts';

const flag = (name: string) => process.argv.includes(`--${name}`);
const progress = (line: string) => process.stdout.write(`${line}\n`);
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Ends a benchmark's process group; `quiet` when the group is most likely gone already. */
function killGroup(pid: number | undefined, quiet = false): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (err) {
    if (!quiet) progress(`could not stop benchmark process group ${pid}: ${(err as Error).message}`);
  }
}

/** Runs one job in a child; resolves with its figures or the tail of its output on failure. */
function runJob(job: BenchJob, workDir: string): Promise<{ figures?: unknown; error?: string }> {
  const outFile = join(workDir, `${job.id}.json`);
  const child = spawn(
    process.execPath,
    ['--conditions=@sightline/source', '--import', 'tsx', join(ROOT, 'bench', 'run-one.ts'), job.bench, JSON.stringify(job.opts), outFile],
    // Own process group: a timeout or Ctrl-C ends the benchmark's own children (workers, servers) too.
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
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
      killGroup(child.pid);
    }, job.timeoutMs);
    const onSignal = () => {
      killGroup(child.pid);
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    child.once('error', (err) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve({ error: err.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Anything the benchmark left running (a server it did not stop) would skew the next one.
      killGroup(child.pid, true);
      if (code !== 0) return resolve({ error: `exit ${code ?? signal}\n${tail}` });
      try {
        resolve({ figures: JSON.parse(readFileSync(outFile, 'utf8')) as unknown });
      } catch (err) {
        resolve({ error: `no figures written (${(err as Error).message})\n${tail}` });
      }
    });
  });
}

/** The speed probe, in a child of its own (this process never loads the engine); undefined if it fails. */
function probeSpeed(): SpeedProbe | undefined {
  try {
    const out = execFileSync(process.execPath, ['--conditions=@sightline/source', '--import', 'tsx', join(ROOT, 'bench', 'speed-probe.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    return JSON.parse(out.trim().split('\n').pop() ?? '') as SpeedProbe;
  } catch (err) {
    progress(`speed probe failed: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** The finished runs of an earlier run's raw file that this run does not measure again. */
function carriedJobs(rawPath: string | undefined, plan: BenchJob[]): JobResult[] {
  if (rawPath === undefined) return [];
  const earlier = JSON.parse(readFileSync(rawPath, 'utf8')) as BenchRun;
  const measured = new Set(plan.map((j) => j.id));
  return earlier.jobs
    .filter((j) => j.figures !== undefined && j.error === undefined && !measured.has(j.id))
    .map((j) => ({ ...j, carriedFrom: j.carriedFrom ?? `\`${earlier.command}\` at ${earlier.startedAt} (commit ${earlier.revision})` }));
}

async function main(): Promise<number> {
  const render = cliArg('render');
  if (render !== undefined) {
    const out = resolvePath(ROOT, cliArg('out') ?? 'BENCHMARKS.md');
    writeFileSync(out, renderReport(JSON.parse(readFileSync(render, 'utf8')) as BenchRun));
    progress(`re-rendered ${out} from ${render}`);
    return 0;
  }
  const quick = flag('quick');
  const spans10m = flag('spans10m');
  const fullPlan = benchPlan({ quick, spans10m, only: parseOnly(cliArg('only')) });
  const skip = (cliArg('skip') ?? '').split(',').filter((id) => id !== '');
  const unknownSkips = skip.filter((id) => !fullPlan.some((j) => j.id === id));
  if (unknownSkips.length > 0) throw new Error(`--skip names no run of this plan: ${unknownSkips.join(', ')} (runs: ${fullPlan.map((j) => j.id).join(', ')})`);
  const plan = fullPlan.filter((j) => !skip.includes(j.id));
  const outPath = resolvePath(ROOT, cliArg('out') ?? 'BENCHMARKS.md');
  const command = ['pnpm bench', ...process.argv.slice(2)].join(' ');
  const started = new Date();
  const loadStart = loadAverages();
  const machine = machineInfo();
  const revision = gitRevision((cmd, args) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8' }));
  const versions = keyVersions();
  const speedStart = probeSpeed();
  // The raw figures, so the report can be re-rendered (--render=FILE) without measuring again.
  const rawPath = join(tmpdir(), `sightline-bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const jobs: JobResult[] = [];
  const carried = carriedJobs(cliArg('keep'), plan);
  // Report order: that of a full run, so sections list their sizes in the same order every time.
  const order = benchPlan({ quick, spans10m: true }).map((j) => j.id);
  const ordered = (list: JobResult[]) => [...list].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));

  // Written after every benchmark, so a run stopped part-way still leaves a complete report of what
  // finished, saying what did not run.
  const write = (finished: boolean, speedEnd?: SpeedProbe): number => {
    const loadEnd = loadAverages();
    const notes: string[] = [];
    if (!finished) {
      const notRun = plan.slice(jobs.length).map((j) => j.id);
      notes.push(`Partial: ${jobs.length} of ${plan.length} benchmark runs had finished when this file was written; not run: ${notRun.join(', ')}.`);
    }
    if (quick) notes.push('Quick run (`--quick`): small sizes to check the pipeline end to end. These figures are not the benchmark; run `pnpm bench`.');
    const peak = Math.max(loadStart[0], loadEnd[0], ...jobs.map((j) => Math.max(j.loadBefore, j.loadAfter)));
    if (peak > machine.cores) {
      notes.push(`The machine was loaded (1-min load average up to ${peak} on ${machine.cores} cores): absolute figures are pessimistic; ratios to same-run references hold better.`);
    }
    if (speedStart !== undefined && speedEnd !== undefined) {
      const change = (a: number, b: number) => Math.abs(b - a) / a;
      if (Math.max(change(speedStart.jsMs, speedEnd.jsMs), change(speedStart.engineMs, speedEnd.engineMs)) > 0.15) {
        notes.push(`The machine's speed changed during the run (speed probe JS ${speedStart.jsMs} → ${speedEnd.jsMs} ms, engine ${speedStart.engineMs} → ${speedEnd.engineMs} ms): figures measured at different times compare less well.`);
      }
    }
    const failed = jobs.filter((j) => j.error !== undefined);
    if (failed.length > 0) notes.push(`Incomplete: ${failed.map((j) => j.id).join(', ')} failed (see the run log at the end).`);
    for (const j of carried) notes.push(`Not measured in this run: ${j.id}; its figures are those of ${j.carriedFrom ?? 'an earlier run'}.`);
    const all = ordered([...jobs, ...carried]);
    const speed = speedStart === undefined ? undefined : { start: speedStart, ...(speedEnd !== undefined ? { end: speedEnd } : {}) };
    const run: BenchRun = { command, startedAt: utc(started), finishedAt: utc(new Date()), revision, notes, machine, ...(speed ? { speed } : {}), loadStart, loadEnd, versions, jobs: all };
    writeFileSync(outPath, renderReport(run));
    writeFileSync(rawPath, `${JSON.stringify(run, null, 2)}\n`);
    return failed.length;
  };

  progress(`${command}: ${plan.length} benchmark runs on ${machine.cores} cores (${machine.cpuModel}), load average ${loadStart.join(' / ')}`);
  if (speedStart !== undefined) progress(`speed probe: JS ${speedStart.jsMs} ms, engine ${speedStart.engineMs} ms (one core; lower is faster)`);
  const workDir = mkdtempSync(join(tmpdir(), 'sightline-bench-run-'));
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
      if (i < plan.length - 1) write(false);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const speedEnd = probeSpeed();
  if (speedEnd !== undefined) progress(`speed probe at the end: JS ${speedEnd.jsMs} ms, engine ${speedEnd.engineMs} ms`);
  const failed = write(true, speedEnd);
  progress(`\nwrote ${outPath} (${jobs.length - failed}/${jobs.length} benchmark runs ok); raw figures in ${rawPath}`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
