import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { buildTraceModel } from '../model/span-tree.ts';
import { countOf, formatCount, formatMs, formatTime, formatUsd } from '../model/format.ts';
import { Link, searchParams, setParams } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import { Badge, CopyButton, ErrorBox, Loading } from '../components/ui.tsx';
import { Waterfall } from './waterfall.tsx';
import { SpanPanel } from './span-panel.tsx';

const ROOT_WAIT_REFRESH_MS = 5_000;

export function TracePage({ traceId }: { traceId: string }) {
  // While the root span has not arrived (the trace is still running), the page follows it.
  const [following, setFollowing] = useState(false);
  const res = useResource((signal) => api.getTrace(traceId, signal), [traceId], following ? { refreshMs: ROOT_WAIT_REFRESH_MS } : {});
  const model = useMemo(() => (res.data ? buildTraceModel(res.data.spans) : null), [res.data]);
  const rootMissing = res.data !== undefined && res.data.spans.length > 0 && !res.data.spans.some((s) => s.parentSpanId === '');
  useEffect(() => setFollowing(rootMissing), [rootMissing]);
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
          <h1>
            {root.span.name || '(unnamed)'}
            {rootMissing && (
              <>
                {' '}
                <Badge tone="info" title={`No root span yet: the trace is still running, or its root is in a service that does not send to Sightline. This page refreshes every ${ROOT_WAIT_REFRESH_MS / 1000} s.`}>
                  in progress
                </Badge>
              </>
            )}
          </h1>
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
