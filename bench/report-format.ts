// Markdown building blocks for BENCHMARKS.md: number formats, tables and the target verdicts.

/** One issue target with the figure measured against it; `pass: null` when it was not measured. */
export interface TargetRow {
  issue: string;
  what: string;
  target: string;
  measured: string;
  pass: boolean | null;
}

/** A rendered section: its Markdown and the targets it checked, gathered into the summary. */
export interface Section {
  markdown: string;
  targets: TargetRow[];
}

export function num(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  // A difference that rounds to zero reads "0", not "-0".
  if (Math.abs(value) < 0.5 * 10 ** -digits) return (0).toFixed(digits);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function spread(min: number | undefined, max: number | undefined, digits = 0): string {
  if (min === undefined || max === undefined) return '—';
  return `${num(min, digits)}–${num(max, digits)}`;
}

/** A ratio to the section's reference, e.g. `0.42×`; two significant decimals below 10. */
export function ratio(value: number, reference: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) return '—';
  const r = value / reference;
  return `${r >= 10 ? num(r, 1) : r >= 0.01 ? num(r, 2) : r.toExponential(1)}×`;
}

export function verdict(pass: boolean | null): string {
  return pass === null ? 'n/a' : pass ? 'PASS' : '**MISS**';
}

/** Escapes the characters that would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function table(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.map(cell).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

export function spansLabel(spans: number): string {
  if (spans >= 1_000_000 && spans % 1_000_000 === 0) return `${spans / 1_000_000}M`;
  if (spans >= 1_000 && spans % 1_000 === 0) return `${spans / 1_000}k`;
  return num(spans);
}

export function kib(bytes: number): string {
  return `${num(bytes / 1024, 1)} KB`;
}
