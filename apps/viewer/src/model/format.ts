/** Display formats, one place so every page rounds money and time the same way. */

export function formatUsd(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v === 0) return '$0';
  const abs = Math.abs(v);
  if (abs < 0.0001) return `$${v.toExponential(2)}`;
  if (abs < 0.01) return `$${v.toFixed(5)}`;
  if (abs < 1) return `$${v.toFixed(4)}`;
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v < 1) return `${(v * 1000).toFixed(0)} µs`;
  if (v < 1000) return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(2)} s`;
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

/** A value formatter chosen from a metric field's name (`costUsd`, `p95Ms`, `failureRate`, ...). */
export function formatterFor(field: string): (v: number | null) => string {
  const f = field.toLowerCase();
  if (f.includes('usd') || f.includes('cost') || f.includes('spend')) return formatUsd;
  if (f.includes('rate') || f.includes('ratio')) return formatPercent;
  if (f.includes('ms') || f.startsWith('p') || f.includes('ttft') || f.includes('duration') || f.includes('latency')) return formatMs;
  return formatCount;
}
