// Viewer bundle size: builds apps/viewer for production and reports the gzipped JavaScript the first
// page downloads and the whole viewer, against the budgets of issue 9 (60 KB and 120 KB).
// Run: pnpm tsx bench/viewer-bundle.ts [--json]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const VIEWER = join(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'viewer');

export interface ViewerBundleFigures {
  firstPageGzipBytes: number;
  totalGzipBytes: number;
  cssGzipBytes: number;
  firstPageBudgetBytes: number;
  totalBudgetBytes: number;
  /** Share of the budget used: below 1 is within budget. */
  firstPageBudgetRatio: number;
  totalBudgetRatio: number;
  chunks: { fileName: string; gzipBytes: number; lazy: boolean }[];
  buildMs: number;
}

interface BundleReport {
  chunks: { fileName: string; bytes: number; gzipBytes: number; isEntry: boolean; isDynamicEntry: boolean }[];
  firstPageGzipBytes: number;
  totalGzipBytes: number;
  cssGzipBytes: number;
  firstPageBudgetBytes: number;
  totalBudgetBytes: number;
}

function viteBuild(outDir: string): Promise<void> {
  return new Promise((ok, fail) => {
    const vite = join(VIEWER, 'node_modules', 'vite', 'bin', 'vite.js');
    const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: VIEWER, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`vite build exited ${code}\n${out}`))));
  });
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Builds into a temporary directory (apps/viewer/dist is left alone) and reads the build's own report. */
export async function runViewerBundleBench(opts: { log?: ((l: string) => void) | undefined } = {}): Promise<ViewerBundleFigures> {
  const log = opts.log ?? (() => {});
  const outDir = mkdtempSync(join(tmpdir(), 'sightline-viewer-bench-'));
  try {
    const t0 = performance.now();
    await viteBuild(outDir);
    const buildMs = Math.round(performance.now() - t0);
    const report = JSON.parse(readFileSync(join(outDir, '.vite', 'bundle-report.json'), 'utf8')) as BundleReport;
    const figures: ViewerBundleFigures = {
      firstPageGzipBytes: report.firstPageGzipBytes,
      totalGzipBytes: report.totalGzipBytes,
      cssGzipBytes: report.cssGzipBytes,
      firstPageBudgetBytes: report.firstPageBudgetBytes,
      totalBudgetBytes: report.totalBudgetBytes,
      firstPageBudgetRatio: Number((report.firstPageGzipBytes / report.firstPageBudgetBytes).toFixed(3)),
      totalBudgetRatio: Number((report.totalGzipBytes / report.totalBudgetBytes).toFixed(3)),
      chunks: report.chunks.map((c) => ({ fileName: c.fileName, gzipBytes: c.gzipBytes, lazy: c.isDynamicEntry && !c.isEntry })),
      buildMs,
    };
    log(`viewer first page: ${kb(figures.firstPageGzipBytes)} gzipped JS (${(figures.firstPageBudgetRatio * 100).toFixed(0)}% of the ${kb(figures.firstPageBudgetBytes)} budget)`);
    log(`viewer total:      ${kb(figures.totalGzipBytes)} gzipped JS (${(figures.totalBudgetRatio * 100).toFixed(0)}% of the ${kb(figures.totalBudgetBytes)} budget), CSS ${kb(figures.cssGzipBytes)}`);
    for (const c of figures.chunks) log(`  ${c.lazy ? 'lazy ' : 'first'} ${kb(c.gzipBytes).padStart(8)}  ${c.fileName}`);
    log(`production build: ${buildMs} ms`);
    return figures;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const json = process.argv.includes('--json');
  const figures = await runViewerBundleBench({ log: json ? undefined : (l) => console.log(l) });
  if (json) console.log(JSON.stringify(figures));
}
