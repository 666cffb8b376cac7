import { useMemo } from 'preact/hooks';
import { api } from '../api/client.ts';
import { buildTraceModel } from '../model/span-tree.ts';
import { countOf, formatCount, formatMs, formatTime, formatUsd } from '../model/format.ts';
import { Link, searchParams, setParams } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import { Badge, CopyButton, ErrorBox, Loading } from '../components/ui.tsx';
import { Waterfall } from './waterfall.tsx';
import { SpanPanel } from './span-panel.tsx';

export function TracePage({ traceId }: { traceId: string }) {
  const res = useResource((signal) => api.getTrace(traceId, signal), [traceId]);
  const model = useMemo(() => (res.data ? buildTraceModel(res.data.spans) : null), [res.data]);
  const selectedId = searchParams.value.get('span');

  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!model) return <Loading label="Loading trace…" />;
  if (model.rows.length === 0) return <ErrorBox error={new Error(`Trace ${traceId} has no spans (yet): spans may still be in flight.`)} onRetry={res.reload} />;

  const root = model.rows[0]!;
  // Default to the first LLM call: what people open a trace for.
  const selected =
    (selectedId ? model.byId.get(selectedId) : undefined) ?? model.rows.find((n) => n.span.spanClass === 'llm') ?? root;
  const sessionId = model.rows.find((n) => n.span.sessionId)?.span.sessionId;

  return (
    <section class="page trace-page">
      <div class="page-head">
        <div>
          <Link href="/traces" class="back">
            ← Traces
          </Link>
          <h1>{root.span.name || '(unnamed)'}</h1>
          <div class="subtle">
            <code>{traceId}</code> <CopyButton text={traceId} label="Copy id" />
          </div>
        </div>
        <button type="button" class="secondary" onClick={res.reload}>
          Refresh
        </button>
      </div>
      <div class="summary">
        <span>Started {formatTime(root.span.startTime)}</span>
        <span>Duration {formatMs(model.totalMs)}</span>
        <span>{countOf(model.rows.length, 'span')}</span>
        <span>{countOf(model.llmCount, 'LLM call')}</span>
        <span>
          Tokens {formatCount(model.inputTokens)} in / {formatCount(model.outputTokens)} out
        </span>
        <span>
          Cost {formatUsd(model.totalCostUsd)}
          {model.unpricedCount > 0 && <Badge tone="warn">+{model.unpricedCount} unpriced</Badge>}
        </span>
        {model.errorCount > 0 && <Badge tone="error">{model.errorCount} error(s)</Badge>}
        {sessionId && <Link href={`/sessions/${encodeURIComponent(sessionId)}`}>Session {sessionId}</Link>}
      </div>
      <div class="trace-layout">
        <Waterfall model={model} selectedId={selected.span.spanId} onSelect={(id) => setParams({ span: id }, { replace: true })} />
        <SpanPanel key={selected.span.spanId} span={selected.span} />
      </div>
    </section>
  );
}
