// What the figures were measured on: the machine, its load, and the versions actually installed
// (read from node_modules, not from the catalog, so a stale install shows up in the report).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The value of `--name=value` on the command line (everything after the first '='), if given. */
export function cliArg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

/** 1, 5 and 15-minute load averages, rounded: other processes on the box skew every figure. */
export function loadAverages(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = loadavg();
  const r = (x: number) => Math.round(x * 100) / 100;
  return [r(a), r(b), r(c)];
}

/** Package → the workspace directory whose node_modules holds the version the benchmarks load. */
const KEY_PACKAGES: Record<string, string> = {
  chdb: 'packages/storage',
  '@clickhouse/client': 'packages/storage',
  hono: 'apps/server',
  '@opentelemetry/api': 'bench',
  '@opentelemetry/sdk-trace-base': 'bench',
  '@opentelemetry/sdk-trace-node': 'bench',
  '@opentelemetry/exporter-trace-otlp-http': 'bench',
  openai: 'bench',
  '@traceloop/instrumentation-openai': 'bench',
  '@arizeai/openinference-instrumentation-openai': 'bench',
  '@langfuse/openai': 'bench',
  '@langfuse/otel': 'bench',
  preact: 'apps/viewer',
  vite: 'apps/viewer',
  tsx: '.',
};

function installedVersion(pkg: string, from: string): string {
  const manifest = join(ROOT, from, 'node_modules', pkg, 'package.json');
  if (!existsSync(manifest)) return 'not installed';
  const parsed = JSON.parse(readFileSync(realpathSync(manifest), 'utf8')) as { version?: string };
  return parsed.version ?? 'unknown';
}

export function keyVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  const sdk = JSON.parse(readFileSync(join(ROOT, 'packages', 'sdk', 'package.json'), 'utf8')) as { version?: string };
  versions['@sightline/sdk'] = sdk.version ?? 'unknown';
  for (const [pkg, from] of Object.entries(KEY_PACKAGES)) versions[pkg] = installedVersion(pkg, from);
  return versions;
}

/** The commit measured, with a marker when the working tree had uncommitted changes. */
export function gitRevision(run: (cmd: string, args: string[]) => string): string {
  try {
    const head = run('git', ['rev-parse', '--short', 'HEAD']).trim();
    const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']).trim() !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch (err) {
    return `unknown (${(err as Error).message.split('\n')[0]})`;
  }
}
