import type { SpanRow } from '@sightline/contracts';
import { ATTR_SIGHTLINE_CALL_KEY, ATTR_SIGHTLINE_CONFIG_VERSION, ATTR_SIGHTLINE_ENDPOINT } from '@sightline/contracts/semconv';
import type { Driver } from '../driver.ts';
import { insertSpans } from '../spans/insert-spans.ts';
import { hexId, makeSpanRow } from './span-row-fixture.ts';

/**
 * A small, hand-checkable project for query tests: five traces inside one hour, covering priced,
 * unpriced and explicit costs, a failed call retried under one call key, an identical-input loop,
 * a validation failure, an ingest diagnostic, a session spanning two traces and a span attribute.
 */
export interface QueryDataset {
  projectId: string;
  /** Hour-aligned start of the data; everything lies in [hourMs, hourMs + 1 h). */
  hourMs: number;
  traces: { a: string; b: string; c: string; d: string; e: string };
  spans: SpanRow[];
}

export function buildQueryDataset(projectId: string, hourMs: number, idPrefix = ''): QueryDataset {
  const t = (n: number): string => hexId(n, 32, idPrefix);
  const s = (n: number): string => hexId(n, 16, idPrefix);
  const at = (minute: number, seconds = 0): number => hourMs + minute * 60_000 + seconds * 1000;
  const traces = { a: t(0xa1), b: t(0xb2), c: t(0xc3), d: t(0xd4), e: t(0xe5) };
  const base = (trace: string, span: number, extra: Partial<SpanRow> & { startMs: number; durationMs: number }) =>
    makeSpanRow({ ProjectId: projectId, TraceId: trace, SpanId: s(span), ...extra });
  const llm = { SpanClass: 'llm', OperationName: 'chat', SpanKind: 'Client', StatusCode: 'Ok' } as const;

  const a = { ServiceName: 'checkout', Environment: 'prod', UserId: 'user-1', SessionId: 'sess-1' } as const;
  const b = { ServiceName: 'checkout', Environment: 'prod', UserId: 'user-2', SessionId: 'sess-1' } as const;
  const claude = { ...llm, ...b, Provider: 'anthropic', RequestModel: 'claude-sonnet-4', ResponseModel: 'claude-sonnet-4', PromptName: 'summarize', PromptVersion: 'v2', SpanAttributes: { [ATTR_SIGHTLINE_CALL_KEY]: 'call-k' } } as const;
  // The claude calls come from the SDK: each names its endpoint (the batch job) and its config version.
  const sdk = (configVersion: string) => ({ ...claude.SpanAttributes, [ATTR_SIGHTLINE_ENDPOINT]: 'batch-job', [ATTR_SIGHTLINE_CONFIG_VERSION]: configVersion });
  const d = { ...llm, ServiceName: 'support', Environment: 'prod', UserId: 'user-3', Provider: 'openai', RequestModel: 'gpt-4o-mini', ResponseModel: 'gpt-4o-mini', PromptName: 'classify', PromptVersion: 'v1', InputContent: '[{"role":"user","content":"same question"}]', CostNanos: 100_000, CostSource: 'priced', InputTokens: 20, OutputTokens: 5 } as const;

  const spans: SpanRow[] = [
    base(traces.a, 0xa0, { ...a, SpanName: 'handle-request', SpanClass: 'agent', StatusCode: 'Ok', startMs: at(10), durationMs: 3000 }),
    base(traces.a, 0xa1, {
      ...a, ...llm, ParentSpanId: s(0xa0), SpanName: 'chat gpt-4o', Provider: 'openai', RequestModel: 'gpt-4o', ResponseModel: 'gpt-4o',
      PromptName: 'summarize', PromptVersion: 'v1', InputTokens: 1000, OutputTokens: 200, CacheReadTokens: 100,
      CostNanos: 4_500_000, CostSource: 'priced', TtftMs: 120, FinishReasons: ['stop'], ValidationStatus: 'passed',
      InputContent: '[{"role":"user","content":"Where is my Parcel?"}]', OutputContent: '[{"role":"assistant","content":"It ships tomorrow. Schöne Grüße"}]',
      SpanAttributes: { 'sightline.metadata.tier': 'gold' }, ServiceTier: 'default',
      Events: [{ Timestamp: `${BigInt(at(10, 1)) * 1_000_000n}`, Name: 'first_token', Attributes: { chunk: '1' } }],
      startMs: at(10, 0.5), durationMs: 800,
    }),
    base(traces.a, 0xa2, { ...a, ParentSpanId: s(0xa0), SpanName: 'lookup-order', SpanClass: 'tool', ToolName: 'lookup-order', StatusCode: 'Ok', startMs: at(10, 1.5), durationMs: 200 }),
    base(traces.a, 0xa3, {
      ...a, ...llm, ParentSpanId: s(0xa0), SpanName: 'chat gpt-4o', Provider: 'openai', RequestModel: 'gpt-4o', ResponseModel: 'gpt-4o',
      PromptName: 'summarize', PromptVersion: 'v2', InputTokens: 500, OutputTokens: 100, CostNanos: 2_000_000, CostSource: 'priced',
      TtftMs: 80, startMs: at(10, 2), durationMs: 400,
    }),
    base(traces.b, 0xb0, { ...b, SpanName: 'batch-job', SpanClass: 'workflow', StatusCode: 'Error', StatusMessage: 'gave up', startMs: at(20), durationMs: 5000 }),
    base(traces.b, 0xb1, { ...claude, ParentSpanId: s(0xb0), SpanName: 'chat claude', StatusCode: 'Error', FailureClass: 'rate_limit', Attempt: 1, startMs: at(20, 0.5), durationMs: 100, SpanAttributes: sdk('cfg-1') }),
    base(traces.b, 0xb2, { ...claude, ParentSpanId: s(0xb0), SpanName: 'chat claude', StatusCode: 'Error', FailureClass: 'rate_limit', Attempt: 2, startMs: at(20, 1.5), durationMs: 100, SpanAttributes: sdk('cfg-1') }),
    base(traces.b, 0xb3, {
      ...claude, ParentSpanId: s(0xb0), SpanName: 'chat claude', Attempt: 3, InputTokens: 300, OutputTokens: 50, SpanAttributes: sdk('cfg-2'),
      CostNanos: 1_234_567, CostSource: 'explicit', startMs: at(20, 3), durationMs: 600,
    }),
    base(traces.c, 0xc0, {
      ...llm, ServiceName: 'support', Environment: 'prod', UserId: 'user-1', SpanName: 'classify', Provider: 'acme', RequestModel: 'mystery-1',
      ResponseModel: 'mystery-1', PromptName: 'classify', PromptVersion: 'v1', InputTokens: 50, OutputTokens: 10, CostSource: 'unpriced',
      ValidationStatus: 'failed', Convention: 'openllmetry', Diagnostics: ['no usage: stream without include_usage'], startMs: at(30), durationMs: 1500,
    }),
    base(traces.d, 0xd0, { ...d, SpanName: 'triage', SpanClass: 'agent', Provider: '', RequestModel: '', ResponseModel: '', PromptName: '', PromptVersion: '', InputContent: '', CostNanos: 0, CostSource: '', InputTokens: 0, OutputTokens: 0, startMs: at(40), durationMs: 1200 }),
    base(traces.d, 0xd1, { ...d, ParentSpanId: s(0xd0), SpanName: 'chat mini', SpanAttributes: { [ATTR_SIGHTLINE_ENDPOINT]: 'triage' }, startMs: at(40, 0.1), durationMs: 300 }),
    base(traces.d, 0xd2, { ...d, ParentSpanId: s(0xd0), SpanName: 'chat mini', startMs: at(40, 0.45), durationMs: 300 }),
    base(traces.d, 0xd3, { ...d, ParentSpanId: s(0xd0), SpanName: 'chat mini', startMs: at(40, 0.8), durationMs: 300 }),
    base(traces.e, 0xe0, {
      ...llm, ServiceName: 'checkout', Environment: 'staging', UserId: 'user-2', SpanName: 'chat gpt-4o', Provider: 'openai',
      RequestModel: 'gpt-4o', ResponseModel: 'gpt-4o', InputTokens: 3000, OutputTokens: 500, CostNanos: 9_000_000, CostSource: 'priced',
      TtftMs: 300, startMs: at(50), durationMs: 2000,
    }),
  ];
  return { projectId, hourMs, traces, spans };
}

/** Inserts the dataset through the real ingest write path (so the views fill rollups and trace_index). */
export async function seedQueryDataset(driver: Driver, projectId: string, hourMs: number, idPrefix = ''): Promise<QueryDataset> {
  const dataset = buildQueryDataset(projectId, hourMs, idPrefix);
  await insertSpans(driver, dataset.spans);
  return dataset;
}
