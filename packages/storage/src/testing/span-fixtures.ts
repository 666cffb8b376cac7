import { randomBytes } from 'node:crypto';
import type { SpanRow } from '@sightline/contracts';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** Nanoseconds since the epoch as a decimal string, `msAgo` before now plus `extraNs`. */
export function nanosAgo(msAgo: number, extraNs = 0): string {
  return (BigInt(Date.now() - msAgo) * 1_000_000n + BigInt(extraNs)).toString();
}

/** A plausible LLM span; every field can be overridden. */
export function spanRow(overrides: Partial<SpanRow> = {}): SpanRow {
  return {
    ProjectId: 'proj_test',
    Timestamp: nanosAgo(60_000, 123),
    TraceId: hex(16),
    SpanId: hex(8),
    ParentSpanId: '',
    TraceState: '',
    SpanName: 'chat gpt-4o-mini',
    SpanKind: 'Client',
    ServiceName: 'checkout',
    ResourceAttributes: { 'service.name': 'checkout' },
    ScopeName: '@sightline/sdk',
    ScopeVersion: '0.1.0',
    SpanAttributes: { 'gen_ai.request.model': 'gpt-4o-mini' },
    Duration: 1_250_000_000,
    StatusCode: 'Ok',
    StatusMessage: '',
    Events: [],
    Links: [],
    SpanClass: 'llm',
    OperationName: 'chat',
    Provider: 'openai',
    RequestModel: 'gpt-4o-mini',
    ResponseModel: 'gpt-4o-mini-2024-07-18',
    InputTokens: 120,
    OutputTokens: 40,
    CacheReadTokens: 0,
    CacheWriteTokens: 0,
    ReasoningTokens: 0,
    TtftMs: 210.5,
    FinishReasons: ['stop'],
    FailureClass: '',
    PromptName: 'checkout-help',
    PromptVersion: '3',
    UserId: 'user-1',
    SessionId: 'session-1',
    Environment: 'production',
    AppVersion: '1.2.3',
    ServiceTier: 'default',
    ToolName: '',
    Attempt: 1,
    ValidationStatus: '',
    InputContent: '[{"role":"user","content":"hi"}]',
    OutputContent: '[{"role":"assistant","content":"hello"}]',
    ContentTruncated: 0,
    CostNanos: 42_000,
    CostSource: 'priced',
    Convention: 'sightline',
    Diagnostics: [],
    ...overrides,
  };
}

/** A deterministic pseudo-random generator so a failing mix can be reproduced from its seed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A varied mix of spans across models, hours, statuses and tiers (some with null TTFT). */
export function spanMix(count: number, seed: number, projectId = 'proj_mix'): SpanRow[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const models = ['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4-5', 'claude-haiku-4-5'];
  return Array.from({ length: count }, () => {
    const model = pick(models);
    const failed = random() < 0.1;
    return spanRow({
      ProjectId: projectId,
      Timestamp: nanosAgo(Math.floor(random() * 6 * 3_600_000) + 60_000, Math.floor(random() * 1e6)),
      RequestModel: model,
      ResponseModel: random() < 0.3 ? '' : `${model}-2025`,
      Provider: model.startsWith('claude') ? 'anthropic' : 'openai',
      ServiceName: pick(['checkout', 'search']),
      UserId: pick(['u1', 'u2', 'u3']),
      StatusCode: failed ? 'Error' : 'Ok',
      FailureClass: failed ? pick(['rate_limit', 'timeout'] as const) : '',
      InputTokens: Math.floor(random() * 5000),
      OutputTokens: Math.floor(random() * 800),
      CacheReadTokens: Math.floor(random() * 100),
      ReasoningTokens: Math.floor(random() * 50),
      Duration: Math.floor(random() * 5e9) + 1e6,
      TtftMs: random() < 0.3 ? null : Math.round(random() * 2000 * 100) / 100,
      CostNanos: Math.floor(random() * 5e6),
      Attempt: random() < 0.1 ? 2 : 1,
      ValidationStatus: pick(['', 'passed', 'failed']),
      ServiceTier: pick(['default', 'batch']),
      // The endpoint: written by the SDK (`sightline.endpoint`), else a root's own name, else none.
      ...endpointAndConfig(random()),
    });
  });
}

function endpointAndConfig(r: number): Pick<SpanRow, 'ParentSpanId' | 'SpanAttributes'> {
  const attributes: Record<string, string> = { 'gen_ai.request.model': 'gpt-4o-mini' };
  if (r < 0.2) return { ParentSpanId: '', SpanAttributes: attributes };
  if (r < 0.3) return { ParentSpanId: 'ab12cd34ef56ab78', SpanAttributes: attributes };
  attributes['sightline.endpoint'] = r < 0.65 ? 'POST /chat' : 'answer-ticket';
  if (r < 0.8) attributes['sightline.config.version'] = r < 0.7 ? 'cfg-1' : 'cfg-2';
  return { ParentSpanId: 'ab12cd34ef56ab78', SpanAttributes: attributes };
}
