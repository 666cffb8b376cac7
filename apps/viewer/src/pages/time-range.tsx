import { RANGES, isRange } from '../model/filters.ts';
import type { RangeKey } from '../model/filters.ts';
import type { Interval } from '@sightline/contracts';

/** The dashboards' time-range picker: relative ranges, each with a bucket size that gives ~24–100 bars. */
export const RANGE_INTERVAL: Record<RangeKey, Interval> = { '15m': 'minute', '1h': 'minute', '6h': 'hour', '24h': 'hour', '7d': 'day', '30d': 'day' };

export function readRange(v: string | null): RangeKey {
  return isRange(v) ? v : '24h';
}

export function TimeRangePicker({ value, onChange }: { value: RangeKey; onChange: (r: RangeKey) => void }) {
  return (
    <div class="range-picker" role="group" aria-label="Time range">
      {(Object.keys(RANGES) as RangeKey[]).map((r) => (
        <button key={r} type="button" class={r === value ? 'active' : 'secondary'} aria-pressed={r === value} onClick={() => onChange(r)}>
          {r}
        </button>
      ))}
    </div>
  );
}
