import { gzipSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';

/** Budgets of issue 9: what the first page downloads, and every chunk together (gzipped JS). */
export const FIRST_PAGE_BUDGET_BYTES = 60 * 1024;
export const TOTAL_BUDGET_BYTES = 120 * 1024;

export interface ChunkSize {
  fileName: string;
  bytes: number;
  gzipBytes: number;
  isEntry: boolean;
  isDynamicEntry: boolean;
}

export interface BundleReport {
  chunks: ChunkSize[];
  /** Entry chunk plus everything it imports statically: what the browser fetches before first paint. */
  firstPageGzipBytes: number;
  totalGzipBytes: number;
  cssGzipBytes: number;
  firstPageBudgetBytes: number;
  totalBudgetBytes: number;
}

interface OutChunk {
  type: 'chunk';
  fileName: string;
  code: string;
  isEntry: boolean;
  isDynamicEntry: boolean;
  imports: string[];
}
interface OutAsset {
  type: 'asset';
  fileName: string;
  source: string | Uint8Array;
}

/** Gzip level 9, as static servers and CDNs typically serve pre-compressed assets. */
function gz(text: string | Uint8Array): number {
  return gzipSync(typeof text === 'string' ? Buffer.from(text) : text, { level: 9 }).length;
}

export function measureBundle(bundle: Record<string, OutChunk | OutAsset>): BundleReport {
  const chunks = Object.values(bundle).filter((o): o is OutChunk => o.type === 'chunk');
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const sizes = new Map(chunks.map((c) => [c.fileName, gz(c.code)]));
  const firstPage = new Set<string>();
  const visit = (name: string): void => {
    if (firstPage.has(name)) return;
    firstPage.add(name);
    for (const dep of byName.get(name)?.imports ?? []) visit(dep);
  };
  for (const c of chunks) if (c.isEntry) visit(c.fileName);
  const sum = (names: Iterable<string>): number => [...names].reduce((n, f) => n + (sizes.get(f) ?? 0), 0);
  const css = Object.values(bundle).filter((o): o is OutAsset => o.type === 'asset' && o.fileName.endsWith('.css'));
  return {
    chunks: chunks
      .map((c) => ({
        fileName: c.fileName,
        bytes: Buffer.byteLength(c.code),
        gzipBytes: sizes.get(c.fileName) ?? 0,
        isEntry: c.isEntry,
        isDynamicEntry: c.isDynamicEntry,
      }))
      .sort((a, b) => b.gzipBytes - a.gzipBytes),
    firstPageGzipBytes: sum(firstPage),
    totalGzipBytes: sum(sizes.keys()),
    cssGzipBytes: css.reduce((n, a) => n + gz(a.source), 0),
    firstPageBudgetBytes: FIRST_PAGE_BUDGET_BYTES,
    totalBudgetBytes: TOTAL_BUDGET_BYTES,
  };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

/**
 * Prints the gzipped JavaScript of the first page and of the whole viewer at every build, writes
 * the figures to `.vite/bundle-report.json` for the benchmark, and fails the build over budget so a
 * heavy dependency cannot slip in unnoticed.
 */
export function bundleReport(): Plugin {
  let outDir = 'dist';
  return {
    name: 'sightline-bundle-report',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      const report = measureBundle(bundle as unknown as Record<string, OutChunk | OutAsset>);
      mkdirSync(join(outDir, '.vite'), { recursive: true });
      writeFileSync(join(outDir, '.vite', 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);
      this.info(
        `gzipped JS: first page ${kb(report.firstPageGzipBytes)} (budget ${kb(FIRST_PAGE_BUDGET_BYTES)}), ` +
          `total ${kb(report.totalGzipBytes)} (budget ${kb(TOTAL_BUDGET_BYTES)}), CSS ${kb(report.cssGzipBytes)}`,
      );
      if (report.firstPageGzipBytes > FIRST_PAGE_BUDGET_BYTES || report.totalGzipBytes > TOTAL_BUDGET_BYTES) {
        this.error(`viewer bundle over budget: ${JSON.stringify({ firstPage: report.firstPageGzipBytes, total: report.totalGzipBytes })}`);
      }
    },
  };
}
