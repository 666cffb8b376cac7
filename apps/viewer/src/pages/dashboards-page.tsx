import { timeBounds } from '../model/filters.ts';
import { searchParams, setParams } from '../router.tsx';
import { RANGE_INTERVAL, TimeRangePicker, readRange } from './time-range.tsx';
import { BreakdownPanel, FailurePanel, LatencyPanel, SpendOverTimePanel, readSpendBy } from './metric-panels.tsx';
import { TopLists } from './top-lists.tsx';
import { CompareView } from './compare-view.tsx';

const SCOPE_FILTERS = ['service', 'environment', 'model', 'provider'] as const;

/** Spend, failures, latency, top lists and the compare view, all over one time range. */
export function DashboardsPage() {
  const params = searchParams.value;
  const range = readRange(params.get('range'));
  // The bounds are fixed per URL so every panel asks about the same window.
  const key = params.toString();
  const bounds = timeBounds({ range, from: '', to: '' }, Date.now());
  const scope: Record<string, string> = {};
  for (const f of SCOPE_FILTERS) {
    const v = params.get(f);
    if (v) scope[f] = v;
  }
  const query = { ...bounds, ...scope, interval: RANGE_INTERVAL[range] };
  return (
    <section class="page dashboards">
      <div class="page-head">
        <h1>Dashboards</h1>
        <TimeRangePicker value={range} onChange={(r) => setParams({ range: r })} />
      </div>
      <form
        class="filters inline-filters"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          setParams(Object.fromEntries(SCOPE_FILTERS.map((f) => [f, String(data.get(f) ?? '').trim() || undefined])));
        }}
      >
        {SCOPE_FILTERS.map((f) => (
          <label key={`${f}-${key}`}>
            {f}
            <input name={f} defaultValue={scope[f] ?? ''} />
          </label>
        ))}
        <button type="submit">Apply</button>
      </form>
      <div class="grid">
        <SpendOverTimePanel query={query} queryKey={key} groupBy={readSpendBy(params.get('spendBy'))} onGroupBy={(g) => setParams({ spendBy: g === 'model' ? undefined : g })} />
        <BreakdownPanel title="Spend by service" groupBy="service" query={query} queryKey={key} />
        <BreakdownPanel title="Spend by endpoint" groupBy="endpoint" query={query} queryKey={key} />
        <BreakdownPanel title="Spend by user" groupBy="userId" query={query} queryKey={key} />
        <BreakdownPanel title="Spend by prompt version" groupBy="promptVersion" query={query} queryKey={key} />
        <BreakdownPanel title="Spend by config version" groupBy="configVersion" query={query} queryKey={key} />
        <FailurePanel query={query} queryKey={key} />
        <LatencyPanel query={query} queryKey={key} />
      </div>
      <TopLists query={{ ...bounds, ...scope }} queryKey={key} />
      <CompareView bounds={bounds} queryKey={key} />
    </section>
  );
}
