import { useEffect, useState } from 'preact/hooks';
import { FAILURE_CLASSES, RANGES, STATUS_VALUES, activeFilterCount, toLocalInput } from '../model/filters.ts';
import type { ExplorerState, TextFilter } from '../model/filters.ts';

const TEXT_FIELDS: readonly (readonly [TextFilter, string, string])[] = [
  ['q', 'Search', 'text in prompts and outputs'],
  ['service', 'Service', ''],
  ['environment', 'Environment', ''],
  ['model', 'Model', ''],
  ['provider', 'Provider', ''],
  ['promptName', 'Prompt', ''],
  ['promptVersion', 'Prompt version', ''],
  ['configVersion', 'Config version', ''],
  ['endpoint', 'Endpoint', 'root span, e.g. POST /chat'],
  ['userId', 'User', ''],
  ['sessionId', 'Session', ''],
  ['minCostUsd', 'Min cost (USD)', '0.01'],
  ['minDurationMs', 'Min duration (ms)', '1000'],
];

/** The URL keeps absolute UTC times, so a shared link means the same window in every time zone. */
function localToIso(v: string): string | undefined {
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export type FilterChanges = Record<string, string | readonly string[] | undefined>;

/**
 * Text filters apply on submit (Enter or "Apply") so typing does not fire a query per key;
 * selects and chips apply at once. Everything lands in the URL through `onChange`.
 */
export function FilterBar({ state, onChange }: { state: ExplorerState; onChange: (c: FilterChanges) => void }) {
  const [draft, setDraft] = useState(state.text);
  const [attrDraft, setAttrDraft] = useState('');
  const [attrError, setAttrError] = useState('');
  // Back/forward or a link changes the URL: the inputs follow.
  useEffect(() => setDraft(state.text), [JSON.stringify(state.text)]);

  const submit = (e: Event) => {
    e.preventDefault();
    const changes: FilterChanges = {};
    for (const [key] of TEXT_FIELDS) changes[key] = draft[key]?.trim() || undefined;
    onChange(changes);
  };
  const addAttr = () => {
    const v = attrDraft.trim();
    if (!v) return;
    if (!/^[^=\s][^=]*=/.test(v)) {
      setAttrError('Use key=value, e.g. sightline.metadata.tenant=acme');
      return;
    }
    setAttrError('');
    setAttrDraft('');
    if (!state.attr.includes(v)) onChange({ attr: [...state.attr, v] });
  };
  const clear = () => {
    const changes: FilterChanges = { status: undefined, failureClass: undefined, attr: undefined };
    for (const [key] of TEXT_FIELDS) changes[key] = undefined;
    onChange(changes);
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Trace filters">
      <div class="filter-grid">
        <label>
          Time range
          <select
            name="range"
            value={state.range}
            onChange={(e) => {
              const v = e.currentTarget.value;
              onChange(v === 'custom' ? { range: 'custom' } : { range: v, from: undefined, to: undefined });
            }}
          >
            {Object.keys(RANGES).map((r) => (
              <option key={r} value={r}>
                Last {r}
              </option>
            ))}
            <option value="all">All time</option>
            <option value="custom">Custom…</option>
          </select>
        </label>
        {state.range === 'custom' && (
          <>
            <label>
              From
              <input type="datetime-local" name="from" value={toLocalInput(state.from)} onChange={(e) => onChange({ range: 'custom', from: localToIso(e.currentTarget.value) })} />
            </label>
            <label>
              To
              <input type="datetime-local" name="to" value={toLocalInput(state.to)} onChange={(e) => onChange({ range: 'custom', to: localToIso(e.currentTarget.value) })} />
            </label>
          </>
        )}
        {TEXT_FIELDS.map(([key, label, placeholder]) => (
          <label key={key} class={key === 'q' ? 'wide' : ''}>
            {label}
            {key.startsWith('min') ? (
              <input
                name={key}
                type="number"
                min="0"
                step="any"
                placeholder={placeholder}
                value={draft[key] ?? ''}
                onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
              />
            ) : (
              <input
                name={key}
                type={key === 'q' ? 'search' : 'text'}
                // preact's typings pick the combobox variant for a computed text type without `list`.
                list={undefined}
                placeholder={placeholder}
                value={draft[key] ?? ''}
                onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
              />
            )}
          </label>
        ))}
        <label>
          Status
          <select name="status" value={state.status} onChange={(e) => onChange({ status: e.currentTarget.value || undefined })}>
            <option value="">Any</option>
            {STATUS_VALUES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Failure class
          <select name="failureClass" value={state.failureClass} onChange={(e) => onChange({ failureClass: e.currentTarget.value || undefined })}>
            <option value="">Any</option>
            {FAILURE_CLASSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="wide">
          Attribute
          <span class="inline">
            <input
              name="attr"
              placeholder="key=value"
              value={attrDraft}
              onInput={(e) => setAttrDraft(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  addAttr();
                }
              }}
            />
            <button type="button" class="small" onClick={addAttr}>
              Add
            </button>
          </span>
          {attrError && <span class="field-error">{attrError}</span>}
        </label>
      </div>
      {state.attr.length > 0 && (
        <ul class="chips" aria-label="Attribute filters">
          {state.attr.map((a) => (
            <li key={a}>
              <code>{a}</code>
              <button type="button" class="small" aria-label={`Remove ${a}`} onClick={() => onChange({ attr: state.attr.filter((x) => x !== a) })}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <button type="submit">Apply</button>
        {activeFilterCount(state) > 0 && (
          <button type="button" class="secondary" onClick={clear}>
            Clear {activeFilterCount(state)} filter(s)
          </button>
        )}
      </div>
    </form>
  );
}
