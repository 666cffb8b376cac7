import type { SpanDetail } from '@sightline/contracts';

/**
 * Turns a trace's flat span list into the rows of the waterfall: depth-first order, each span under
 * its parent, children by start time, offsets relative to the trace start. Start times come as
 * nanosecond decimal strings and are compared as BigInt so sub-millisecond order is exact.
 */

export interface SpanNode {
  span: SpanDetail;
  depth: number;
  children: SpanNode[];
  /** Milliseconds from the trace start to this span's start. */
  offsetMs: number;
  /** True when the parent id names a span that is not in the trace (lost or not yet arrived). */
  orphan: boolean;
}

export interface TraceModel {
  roots: SpanNode[];
  /** Depth-first, the order of the waterfall rows. */
  rows: SpanNode[];
  byId: Map<string, SpanNode>;
  startNs: bigint;
  /** From the earliest start to the latest end, in milliseconds. */
  totalMs: number;
  llmCount: number;
  totalCostUsd: number;
  unpricedCount: number;
  inputTokens: number;
  outputTokens: number;
  errorCount: number;
}

function ns(s: string): bigint {
  try {
    return BigInt(s);
  } catch {
    // A malformed timestamp sorts first rather than breaking the whole page; the raw value stays visible.
    return 0n;
  }
}

export function buildTraceModel(spans: readonly SpanDetail[]): TraceModel {
  const starts = spans.map((s) => ns(s.startTimeUnixNano));
  const startNs = starts.length > 0 ? starts.reduce((a, b) => (b < a ? b : a)) : 0n;
  const byId = new Map<string, SpanNode>();
  spans.forEach((span, i) => {
    const offsetMs = Number((starts[i] ?? 0n) - startNs) / 1e6;
    if (!byId.has(span.spanId)) byId.set(span.spanId, { span, depth: 0, children: [], offsetMs, orphan: false });
  });
  const roots: SpanNode[] = [];
  for (const node of byId.values()) {
    const parentId = node.span.parentSpanId;
    const parent = parentId && parentId !== node.span.spanId ? byId.get(parentId) : undefined;
    if (parent) parent.children.push(node);
    else {
      node.orphan = Boolean(parentId);
      roots.push(node);
    }
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.offsetMs - b.offsetMs || a.span.name.localeCompare(b.span.name);
  const rows: SpanNode[] = [];
  // Iterative walk: a pathological trace (deep chain, or a parent cycle) must not blow the stack.
  const seen = new Set<SpanNode>();
  const stack = [...roots.sort(byStart)].reverse().map((n) => ({ n, depth: 0 }));
  while (stack.length > 0) {
    const { n, depth } = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    n.depth = depth;
    rows.push(n);
    n.children.sort(byStart);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push({ n: n.children[i]!, depth: depth + 1 });
  }
  // Spans caught in a parent cycle are unreachable from any root: show them as roots anyway.
  for (const n of byId.values()) {
    if (!seen.has(n)) {
      n.orphan = true;
      n.depth = 0;
      roots.push(n);
      rows.push(n);
      seen.add(n);
    }
  }
  let totalMs = 0;
  let llmCount = 0;
  let totalCostUsd = 0;
  let unpricedCount = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let errorCount = 0;
  for (const { span, offsetMs } of rows) {
    totalMs = Math.max(totalMs, offsetMs + span.durationMs);
    if (span.spanClass === 'llm' || span.spanClass === 'embedding') llmCount++;
    if (span.costUsd !== null) totalCostUsd += span.costUsd;
    if (span.costStatus === 'unpriced') unpricedCount++;
    inputTokens += span.inputTokens;
    outputTokens += span.outputTokens;
    if (span.status === 'error') errorCount++;
  }
  return { roots, rows, byId, startNs, totalMs, llmCount, totalCostUsd, unpricedCount, inputTokens, outputTokens, errorCount };
}

/** Left offset and width of a span's bar, in percent of the trace; a minimum width keeps 0 ms spans visible. */
export function barGeometry(node: SpanNode, totalMs: number): { left: number; width: number } {
  if (totalMs <= 0) return { left: 0, width: 100 };
  const left = Math.min(100, (node.offsetMs / totalMs) * 100);
  const width = Math.max(0.3, Math.min(100 - left, (node.span.durationMs / totalMs) * 100));
  return { left, width };
}

/** The waterfall rows left once the subtrees under `collapsed` span ids are folded away. */
export function visibleRows(rows: readonly SpanNode[], collapsed: ReadonlySet<string>): SpanNode[] {
  const out: SpanNode[] = [];
  let foldDepth = Number.POSITIVE_INFINITY;
  for (const node of rows) {
    if (node.depth > foldDepth) continue;
    foldDepth = collapsed.has(node.span.spanId) && node.children.length > 0 ? node.depth : Number.POSITIVE_INFINITY;
    out.push(node);
  }
  return out;
}
