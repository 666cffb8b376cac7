import { describe, expect, it } from 'vitest';
import { niceTicks, pickField, toTable, totalsByKey } from './series.ts';

const series = [
  { key: 'gpt-4o', points: [{ t: '2026-01-01T00:00:00Z', costUsd: 1, calls: 2 }, { t: '2026-01-01T02:00:00Z', costUsd: 3, calls: 1 }] },
  { key: 'claude', points: [{ t: '2026-01-01T01:00:00Z', costUsd: 2, calls: 5 }] },
];

describe('metric series for charts', () => {
  it('aligns series on one time axis with gaps as null', () => {
    const table = toTable(series, 'costUsd');
    expect(table.times).toHaveLength(3);
    expect(table.keys).toEqual(['gpt-4o', 'claude']);
    expect(table.values).toEqual([
      [1, null, 3],
      [null, 2, null],
    ]);
  });

  it('fills the requested window with empty buckets so the axis shows the whole range', () => {
    const from = Date.parse('2026-01-01T00:30:00Z');
    const table = toTable(series, 'costUsd', { fromMs: from, toMs: from + 4 * 3600e3, stepMs: 3600e3 });
    expect(table.times.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['00:00', '01:00', '02:00', '03:00', '04:00']);
    expect(table.values[0]).toEqual([1, null, 3, null, null]);
    expect(toTable(series, 'costUsd', { fromMs: 0, toMs: 1e12, stepMs: 60e3 }).times).toHaveLength(3);
  });

  it('prefers a known field, else the first numeric one', () => {
    expect(pickField(series, ['spendUsd', 'costUsd'])).toBe('costUsd');
    expect(pickField(series, ['nope'])).toBe('costUsd');
    expect(pickField([], ['costUsd'])).toBeNull();
  });

  it('totals per key, largest first', () => {
    expect(totalsByKey(series, 'calls')).toEqual([
      { key: 'claude', value: 5 },
      { key: 'gpt-4o', value: 3 },
    ]);
  });

  it('makes nice ticks that cover the maximum', () => {
    expect(niceTicks(0.37)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(0)).toEqual([0]);
    const t = niceTicks(987);
    expect(t.at(-1)).toBeGreaterThanOrEqual(987);
  });
});
