import { Link } from '../router.tsx';
import { colorFor, niceTicks } from '../model/series.ts';
import type { SeriesTable } from '../model/series.ts';

/**
 * Hand-written SVG charts: a few hundred bytes each instead of a charting library, and no inline
 * <style>, so they render under the strict CSP. Colours go through SVG attributes.
 */

/** Default drawing width; wide panels pass ~1200 so text keeps a similar size once scaled. */
const DEFAULT_W = 480;
const H = 220;
const PAD = { left: 64, right: 12, top: 10, bottom: 28 };

function timeLabel(t: number, spanMs: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return spanMs > 2 * 86400e3 ? `${pad(d.getMonth() + 1)}-${pad(d.getDate())}` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function Axes({ ticks, max, times, format, W }: { ticks: number[]; max: number; times: number[]; format: (v: number) => string; W: number }) {
  const plotH = H - PAD.top - PAD.bottom;
  const plotW = W - PAD.left - PAD.right;
  const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
  const every = Math.max(1, Math.ceil(times.length / 6));
  return (
    <g class="axes">
      {ticks.map((v) => {
        const y = PAD.top + plotH - (v / max) * plotH;
        return (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} class="grid" />
            <text x={PAD.left - 6} y={y + 4} text-anchor="end">
              {format(v)}
            </text>
          </g>
        );
      })}
      {times.map((t, i) =>
        i % every === 0 ? (
          <text key={t} x={PAD.left + ((i + 0.5) / times.length) * plotW} y={H - 8} text-anchor="middle">
            {timeLabel(t, span)}
          </text>
        ) : null,
      )}
    </g>
  );
}

export function Legend({ keys }: { keys: readonly string[] }) {
  return (
    <ul class="legend">
      {keys.map((k) => (
        <li key={k}>
          <span class="swatch" style={{ background: colorFor(k, keys) }} aria-hidden="true" />
          {k}
        </li>
      ))}
    </ul>
  );
}

/** Bars per time bucket, stacked by series (spend by model). */
export function StackedBars({ table, format, label, width: W = DEFAULT_W }: { table: SeriesTable; format: (v: number) => string; label: string; width?: number }) {
  const { times, keys, values } = table;
  const sums = times.map((_, i) => values.reduce((n, row) => n + (row[i] ?? 0), 0));
  const ticks = niceTicks(Math.max(0, ...sums));
  const max = ticks.at(-1) || 1;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, times.length);
  const bw = Math.max(1, slot * 0.8);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-chart="stacked-bars">
        <Axes ticks={ticks} max={max} times={times} format={format} W={W} />
        {times.map((t, i) => {
          let y = PAD.top + plotH;
          return (
            <g key={t}>
              {keys.map((k, j) => {
                const v = values[j]?.[i] ?? 0;
                if (v <= 0) return null;
                const h = (v / max) * plotH;
                y -= h;
                return (
                  <rect key={k} class="bar" x={PAD.left + i * slot + (slot - bw) / 2} y={y} width={bw} height={Math.max(0.5, h)} fill={colorFor(k, keys)}>
                    <title>{`${k} @ ${new Date(t).toISOString()}: ${format(v)}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <Legend keys={keys} />
    </figure>
  );
}

/** One line per series over time (latency percentiles, failure rate). Gaps stay gaps. */
export function Lines({ table, format, label, width: W = DEFAULT_W }: { table: SeriesTable; format: (v: number) => string; label: string; width?: number }) {
  const { times, keys, values } = table;
  const all = values.flat().filter((v): v is number => v !== null);
  const ticks = niceTicks(Math.max(0, ...all));
  const max = ticks.at(-1) || 1;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, times.length);
  const x = (i: number) => PAD.left + (i + 0.5) * slot;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-chart="lines">
        <Axes ticks={ticks} max={max} times={times} format={format} W={W} />
        {keys.map((k, j) => {
          const row = values[j] ?? [];
          let d = '';
          let pen = false;
          row.forEach((v, i) => {
            if (v === null) {
              pen = false;
              return;
            }
            d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
            pen = true;
          });
          return (
            <g key={k}>
              <path class="line" d={d} stroke={colorFor(k, keys)} fill="none" />
              {row.map((v, i) =>
                v === null ? null : (
                  <circle key={i} class="dot" cx={x(i)} cy={y(v)} r="2.5" fill={colorFor(k, keys)}>
                    <title>{`${k} @ ${new Date(times[i] ?? 0).toISOString()}: ${format(v)}`}</title>
                  </circle>
                ),
              )}
            </g>
          );
        })}
      </svg>
      <Legend keys={keys} />
    </figure>
  );
}

/** Horizontal bars for "by service / user / prompt version" breakdowns. */
export function BarList({
  rows,
  format,
  label,
  limit = 10,
  hrefFor,
}: {
  rows: readonly { key: string; value: number }[];
  format: (v: number) => string;
  label: string;
  limit?: number;
  /** Drill-down: where a row's label links to (the explorer filtered to that key), or null. */
  hrefFor?: (key: string) => string | null;
}) {
  const top = rows.slice(0, limit);
  const max = Math.max(0, ...top.map((r) => r.value)) || 1;
  return (
    <ul class="bar-list" aria-label={label} data-chart="bar-list">
      {top.map((r) => (
        <li key={r.key}>
          <span class="bar-label" title={r.key}>
            {hrefFor?.(r.key) ? <Link href={hrefFor(r.key)!}>{r.key}</Link> : r.key}
          </span>
          <span class="bar-track">
            <span class="bar-fill" style={{ width: `${(r.value / max) * 100}%` }} />
          </span>
          <span class="bar-value">{format(r.value)}</span>
        </li>
      ))}
    </ul>
  );
}
