/** Display formats, one place so every page rounds money and time the same way. */

export function formatUsd(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v === 0) return '$0';
  const abs = Math.abs(v);
  // Three significant digits for sub-cent amounts: a single call often costs a few millionths.
  // toPrecision would switch to exponent notation below 1e-6 ("$2.60e-7"): count the decimals instead.
  if (abs < 0.0001) return `$${trimZeros(v.toFixed(Math.min(20, 2 - Math.floor(Math.log10(abs)))))}`;
  if (abs < 0.01) return `$${trimZeros(v.toFixed(5))}`;
  if (abs < 1) return `$${trimZeros(v.toFixed(4))}`;
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** "0.5000" → "0.50": keeps cents, drops zeros that carry no precision. */
function trimZeros(fixed: string): string {
  return fixed.replace(/(\.\d\d\d*?)0+$/, '$1');
}

export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v === 0) return '0 ms';
  if (v < 1) return `${(v * 1000).toFixed(0)} µs`;
  if (v < 1000) return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
  // "1.5 s", "30 s" (chart ticks are round numbers): two decimals at most, no trailing zeros.
  if (v < 60_000) return `${(v / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  const m = Math.floor(v / 60_000);
  return `${m} min ${Math.round((v % 60_000) / 1000)} s`;
}

export function formatCount(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function formatPercent(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return `${(v * 100).toFixed(v < 0.1 ? 2 : 1)}%`;
}

/** Local date and time to the second; the full ISO string goes in the element's title. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A value formatter chosen from a metric field's name (`costUsd`, `p95DurationMs`, `errorRate`, ...). */
export function formatterFor(field: string): (v: number | null) => string {
  if (/usd$|^cost/i.test(field)) return formatUsd;
  if (/ms$/i.test(field)) return formatMs;
  if (/rate$|ratio$/i.test(field)) return formatPercent;
  return formatCount;
}

/** `costPerCallUsd` → "cost per call (USD)", for table headers built from row fields. */
export function columnLabel(field: string): string {
  // Durations carry their own unit when shown (formatMs: "923 ms", "2.62 s"), so the label names none.
  const unit = /Usd$/.test(field) ? ' (USD)' : '';
  const words = field.replace(/Usd$|Ms$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words.replace(/\bttft\b/g, 'TTFT')}${unit}`;
}

/** "1 trace", "2 traces", "1,204 LLM calls": a count with its noun, singular for one. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
