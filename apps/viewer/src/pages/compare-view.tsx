import { useState } from 'preact/hooks';
import type { CompareResponse } from '@sightline/contracts';
import { api } from '../api/client.ts';
import { searchParams, setParams } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import { formatCount, formatMs, formatPercent, formatUsd } from '../model/format.ts';
import { ErrorBox, Loading } from '../components/ui.tsx';

type Side = CompareResponse['a'];
const ROWS: readonly [string, keyof Side, (v: number | null) => string, 'lower' | 'higher' | null][] = [
  ['Calls', 'calls', formatCount, null],
  ['Cost per call', 'costPerCallUsd', formatUsd, 'lower'],
  ['Total cost', 'totalCostUsd', formatUsd, null],
  ['p50 latency', 'p50DurationMs', formatMs, 'lower'],
  ['p95 latency', 'p95DurationMs', formatMs, 'lower'],
  ['p95 TTFT', 'p95TtftMs', formatMs, 'lower'],
  ['Failure rate', 'failureRate', formatPercent, 'lower'],
  ['Validation failures', 'validationFailureRate', formatPercent, 'lower'],
  ['Retried calls', 'retryRate', formatPercent, 'lower'],
  ['Avg input tokens', 'avgInputTokens', formatCount, null],
  ['Avg output tokens', 'avgOutputTokens', formatCount, null],
];

function delta(a: number | null, b: number | null): string {
  if (a === null || b === null || a === 0) return '';
  const d = (b - a) / Math.abs(a);
  return `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)}%`;
}

const PLACEHOLDERS = {
  model: ['gpt-4o-mini', 'gpt-4o'],
  promptVersion: ['support-reply@v1', 'support-reply@v2'],
  configVersion: ['rag-cfg-6', 'rag-cfg-7'],
} as const;

/** Two models, two prompt versions or two config versions side by side over the dashboard's range. */
export function CompareView({ bounds, queryKey }: { bounds: { from?: string; to?: string }; queryKey: string }) {
  const params = searchParams.value;
  const requested = params.get('cmpDim');
  const dimension = requested === 'promptVersion' || requested === 'configVersion' ? requested : 'model';
  const a = params.get('cmpA') ?? '';
  const b = params.get('cmpB') ?? '';
  const [draftA, setDraftA] = useState(a);
  const [draftB, setDraftB] = useState(b);
  const ready = a !== '' && b !== '';
  const res = useResource((signal) => api.compare({ dimension, a, b, ...bounds }, signal), [queryKey, dimension, a, b], { enabled: ready });
  // Suggestions: the models or prompt versions that have calls in the range.
  const options = useResource(
    (signal) => api.metrics('spend', { ...bounds, groupBy: dimension, interval: 'day' }, signal),
    [queryKey, dimension],
  );
  const keys = (options.data?.series ?? []).map((s) => s.key).filter((k) => k !== '' && k !== '@');
  return (
    <article class="panel wide" aria-label="Compare">
      <h2>Compare</h2>
      <form
        class="filters inline-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ cmpA: draftA.trim() || undefined, cmpB: draftB.trim() || undefined });
        }}
      >
        <label>
          Dimension
          <select name="cmpDim" value={dimension} onChange={(e) => setParams({ cmpDim: e.currentTarget.value === 'model' ? undefined : e.currentTarget.value })}>
            <option value="model">Model</option>
            <option value="promptVersion">Prompt version</option>
            <option value="configVersion">Config version</option>
          </select>
        </label>
        <label>
          A
          <input name="cmpA" list="compare-options" autoComplete="off" value={draftA} onInput={(e) => setDraftA(e.currentTarget.value)} placeholder={PLACEHOLDERS[dimension][0]} />
        </label>
        <label>
          B
          <input name="cmpB" list="compare-options" autoComplete="off" value={draftB} onInput={(e) => setDraftB(e.currentTarget.value)} placeholder={PLACEHOLDERS[dimension][1]} />
        </label>
        <button type="submit">Compare</button>
        <datalist id="compare-options">
          {keys.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
      </form>
      {!ready ? (
        <p class="subtle">Pick two {dimension === 'model' ? 'models' : 'prompt versions'} to compare.</p>
      ) : res.error ? (
        <ErrorBox error={res.error} onRetry={res.reload} />
      ) : !res.data ? (
        <Loading />
      ) : (
        <table class="data compact compare">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">{res.data.a.key}</th>
              <th scope="col">{res.data.b.key}</th>
              <th scope="col">B vs A</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map(([label, field, fmt, better]) => {
              const va = res.data!.a[field] as number | null;
              const vb = res.data!.b[field] as number | null;
              const d = delta(va, vb);
              const good = better && va !== null && vb !== null && vb !== va ? (better === 'lower' ? vb < va : vb > va) : null;
              return (
                <tr key={field}>
                  <th scope="row">{label}</th>
                  <td class="num">{fmt(va)}</td>
                  <td class="num">{fmt(vb)}</td>
                  <td class={`num ${good === null ? '' : good ? 'better' : 'worse'}`}>{d}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </article>
  );
}
