import { describe, expect, it } from 'vitest';
import type { SpanDetail } from '@sightline/contracts';
import { barGeometry, buildTraceModel, visibleRows } from './span-tree.ts';

const T0 = 1_763_000_000_000_000_000n;

function span(spanId: string, parentSpanId: string, startOffsetNs: bigint, durationMs: number, extra: Partial<SpanDetail> = {}): SpanDetail {
  return {
    spanId,
    parentSpanId,
    name: spanId,
    spanClass: 'other',
    serviceName: 'svc',
    startTime: new Date(Number((T0 + startOffsetNs) / 1_000_000n)).toISOString(),
    startTimeUnixNano: String(T0 + startOffsetNs),
    durationMs,
    status: 'ok',
    failureClass: null,
    statusMessage: '',
    provider: '',
    requestModel: '',
    responseModel: '',
    operationName: '',
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    costStatus: null,
    costExplanation: null,
    ttftMs: null,
    finishReasons: [],
    promptName: '',
    promptVersion: '',
    configVersion: '',
    userId: '',
    sessionId: '',
    serviceTier: '',
    toolName: '',
    attempt: 0,
    validationStatus: '',
    input: null,
    output: null,
    contentTruncated: false,
    attributes: {},
    resourceAttributes: {},
    events: [],
    convention: 'sightline',
    diagnostics: [],
    ...extra,
  };
}

describe('buildTraceModel', () => {
  it('orders rows depth-first with children by start time, whatever the input order', () => {
    const model = buildTraceModel([
      span('c2', 'root', 50_000_000n, 10),
      span('g1', 'c1', 20_000_000n, 5),
      span('root', '', 0n, 100),
      span('c1', 'root', 10_000_000n, 30),
    ]);
    expect(model.rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['root', 0],
      ['c1', 1],
      ['g1', 2],
      ['c2', 1],
    ]);
    expect(model.rows.map((r) => r.offsetMs)).toEqual([0, 10, 20, 50]);
    expect(model.totalMs).toBe(100);
  });

  it('keeps sub-millisecond order exact from nanosecond strings', () => {
    const model = buildTraceModel([span('root', '', 0n, 1), span('b', 'root', 1_001n, 0.1), span('a', 'root', 1_000n, 0.1)]);
    expect(model.rows.map((r) => r.span.spanId)).toEqual(['root', 'a', 'b']);
  });

  it('shows spans whose parent is missing as roots flagged orphan, and survives a parent cycle', () => {
    const model = buildTraceModel([span('x', 'lost', 5_000_000n, 1), span('p', 'q', 0n, 1), span('q', 'p', 0n, 1), span('r', '', 0n, 10)]);
    expect(model.rows).toHaveLength(4);
    expect(model.byId.get('x')?.orphan).toBe(true);
    expect(model.byId.get('r')?.orphan).toBe(false);
    expect(model.byId.get('p')?.orphan || model.byId.get('q')?.orphan).toBe(true);
  });

  it('sums cost, tokens, unpriced calls and errors', () => {
    const model = buildTraceModel([
      span('root', '', 0n, 10),
      span('l1', 'root', 0n, 5, { spanClass: 'llm', costUsd: 0.25, inputTokens: 10, outputTokens: 3, costStatus: 'priced' }),
      span('l2', 'root', 0n, 5, { spanClass: 'llm', costUsd: null, inputTokens: 7, costStatus: 'unpriced', status: 'error' }),
    ]);
    expect(model).toMatchObject({ llmCount: 2, totalCostUsd: 0.25, unpricedCount: 1, inputTokens: 17, outputTokens: 3, errorCount: 1 });
  });

  it('gives zero-length spans a visible bar inside the track', () => {
    const model = buildTraceModel([span('root', '', 0n, 100), span('z', 'root', 100_000_000n, 0)]);
    const g = barGeometry(model.byId.get('z')!, model.totalMs);
    expect(g.width).toBeGreaterThan(0);
    expect(g.left + g.width).toBeLessThanOrEqual(100.3);
  });

  it('folds collapsed subtrees away and keeps their siblings', () => {
    const model = buildTraceModel([
      span('root', '', 0n, 100),
      span('a', 'root', 1n, 10),
      span('a1', 'a', 2n, 1),
      span('a2', 'a1', 3n, 1),
      span('b', 'root', 20n, 1),
    ]);
    const ids = (collapsed: string[]) => visibleRows(model.rows, new Set(collapsed)).map((n) => n.span.spanId);
    expect(ids([])).toEqual(['root', 'a', 'a1', 'a2', 'b']);
    expect(ids(['a'])).toEqual(['root', 'a', 'b']);
    expect(ids(['a1'])).toEqual(['root', 'a', 'a1', 'b']);
    expect(ids(['root'])).toEqual(['root']);
    expect(ids(['b'])).toEqual(['root', 'a', 'a1', 'a2', 'b']);
  });
});
