import { useState } from 'preact/hooks';
import { barGeometry, visibleRows } from '../model/span-tree.ts';
import type { TraceModel } from '../model/span-tree.ts';
import { formatMs, formatUsd } from '../model/format.ts';

const CLASS_LABEL: Record<string, string> = { llm: 'LLM', embedding: 'EMB', tool: 'TOOL', retrieval: 'RAG', agent: 'AGENT', workflow: 'FLOW', other: '' };

/**
 * Where a bar's label goes so it is never cut at the track's edge: after the bar when there is room,
 * before it when the bar ends late, inside it when the bar spans most of the trace.
 */
function labelPlace(left: number, width: number): 'after' | 'before' | 'inside' {
  if (left + width <= 70) return 'after';
  return left > 25 ? 'before' : 'inside';
}

function labelStyle(left: number, width: number): Record<string, string> {
  const place = labelPlace(left, width);
  if (place === 'after') return { left: `${left + width}%` };
  if (place === 'before') return { right: `${100 - left}%` };
  return { right: `${Math.max(0, 100 - left - width)}%` };
}

/** The span tree and its timeline side by side: one row per span, bars placed on the trace's time axis. */
export function Waterfall({ model, selectedId, onSelect }: { model: TraceModel; selectedId: string; onSelect: (spanId: string) => void }) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = visibleRows(model.rows, collapsed);
  const toggle = (spanId: string, fold?: boolean) => {
    const next = new Set(collapsed);
    if (fold ?? !next.has(spanId)) next.add(spanId);
    else next.delete(spanId);
    setCollapsed(next);
  };
  // Tree keyboard model: up/down move, left folds, right unfolds.
  const onKey = (e: KeyboardEvent, index: number) => {
    const node = rows[index];
    if (!node) return;
    if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && node.children.length > 0) {
      e.preventDefault();
      toggle(node.span.spanId, e.key === 'ArrowLeft');
      return;
    }
    const next = e.key === 'ArrowDown' ? index + 1 : e.key === 'ArrowUp' ? index - 1 : -1;
    const row = rows[next];
    if (!row) return;
    e.preventDefault();
    onSelect(row.span.spanId);
    (document.querySelector(`[data-span-id="${row.span.spanId}"]`) as HTMLElement | null)?.focus();
  };
  return (
    <div class="waterfall" role="tree" aria-label="Spans">
      <div class="wf-head">
        <span class="wf-name">Span</span>
        <span class="wf-axis">
          {ticks.map((t) => (
            <span key={t} class="wf-tick" style={{ left: `${t * 100}%` }}>
              {formatMs(model.totalMs * t)}
            </span>
          ))}
        </span>
      </div>
      {rows.map((node, index) => {
        const { span } = node;
        const { left, width } = barGeometry(node, model.totalMs);
        const selected = span.spanId === selectedId;
        return (
          <div
            key={span.spanId}
            role="treeitem"
            aria-selected={selected}
            aria-level={node.depth + 1}
            aria-expanded={node.children.length > 0 ? !collapsed.has(span.spanId) : undefined}
            tabIndex={selected ? 0 : -1}
            data-span-id={span.spanId}
            data-span-class={span.spanClass}
            class={`wf-row${selected ? ' selected' : ''}${span.status === 'error' ? ' error' : ''}`}
            onClick={() => onSelect(span.spanId)}
            onKeyDown={(e) => onKey(e, index)}
          >
            <span class="wf-name" style={{ paddingLeft: `${node.depth * 14 + 4}px` }} title={span.name}>
              {node.children.length > 0 ? (
                <button
                  type="button"
                  class="fold"
                  tabIndex={-1}
                  aria-label={collapsed.has(span.spanId) ? `Expand ${span.name}` : `Collapse ${span.name}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    toggle(span.spanId);
                  }}
                >
                  {collapsed.has(span.spanId) ? '▸' : '▾'}
                </button>
              ) : (
                <span class="fold" />
              )}
              {CLASS_LABEL[span.spanClass] && <span class={`cls cls-${span.spanClass}`}>{CLASS_LABEL[span.spanClass]}</span>}
              {span.name || '(unnamed)'}
              {node.orphan && <span class="subtle"> (parent missing)</span>}
            </span>
            <span class="wf-track">
              <span class={`wf-bar cls-bg-${span.spanClass}`} style={{ left: `${left}%`, width: `${width}%` }} />
              <span class={`wf-label${labelPlace(left, width) === 'inside' ? ' inside' : ''}`} style={labelStyle(left, width)}>
                {formatMs(span.durationMs)}
                {span.costUsd ? ` · ${formatUsd(span.costUsd)}` : ''}
              </span>
            </span>
          </div>
        );
      })}
    </div>
  );
}
