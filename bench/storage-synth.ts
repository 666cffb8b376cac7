// Synthesises realistic ~4.6 KB LLM spans inside ClickHouse (`INSERT ... SELECT FROM numbers()`),
// so 1M–10M rows cost engine time only, not JS generation and JSON parsing. The rollup and
// trace_index views fire as for real ingest.
import type { SpanRow } from '../packages/contracts/src/index.ts';
import type { Driver } from '../packages/storage/src/index.ts';

export const BENCH_PROJECT = 'bench_main';
/** Spans per synthetic trace: one root agent span and four children. */
export const SPANS_PER_TRACE = 5;

const WORDS = [
  'the', 'customer', 'order', 'refund', 'shipping', 'invoice', 'please', 'summarise', 'policy', 'account',
  'delivery', 'address', 'payment', 'card', 'declined', 'support', 'ticket', 'priority', 'warranty', 'return',
  'product', 'size', 'colour', 'stock', 'available', 'tomorrow', 'week', 'thanks', 'question', 'answer',
  'JSON', 'schema', 'tool', 'call', 'search', 'database', 'result', 'score', 'document', 'chunk',
  'assistant', 'user', 'system', 'context', 'token', 'limit', 'retry', 'error', 'timeout', 'success',
];

/**
 * Each trace is a request to one of these endpoints: its root span bears the name, its calls carry
 * it as `sightline.endpoint` (as the SDK writes it), with one config version per endpoint.
 */
export const ENDPOINTS = ['POST /chat', 'POST /summarize', 'answer-ticket', 'nightly-digest', 'POST /extract', 'POST /classify'] as const;
const ENDPOINTS_SQL = `[${ENDPOINTS.map((e) => `'${e}'`).join(',')}]`;

/** About 2.2 KB of chat-message JSON from word `seedExpr`, varied per row like real prompts. */
function contentExpr(seedExpr: string, role: string): string {
  const words = `[${WORDS.map((w) => `'${w}'`).join(',')}]`;
  return `concat('[{"role":"${role}","content":"', arrayStringConcat(arrayMap(i -> ${words}[(cityHash64(${seedExpr}, i) % ${WORDS.length}) + 1], range(225)), ' '), '"}]')`;
}

/**
 * Appends `count` spans, numbered from `offset`, spread evenly over the `days` before now. 90 % go
 * to BENCH_PROJECT, the rest to a second project, so per-project filters have something to skip.
 */
export async function synthesiseSpans(driver: Driver, offset: number, count: number, days: number, total: number): Promise<void> {
  const stepNs = Math.floor((days * 86_400e9) / total);
  const models = `['gpt-4o-mini','gpt-4.1','claude-sonnet-4-5','claude-haiku-4-5','gemini-2.5-flash']`;
  await driver.command(
    `INSERT INTO spans (ProjectId, Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName,
  ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage, SpanClass,
  OperationName, Provider, RequestModel, ResponseModel, InputTokens, OutputTokens, CacheReadTokens, ReasoningTokens,
  TtftMs, FinishReasons, FailureClass, PromptName, PromptVersion, UserId, SessionId, Environment, AppVersion,
  ServiceTier, Attempt, ValidationStatus, InputContent, OutputContent, CostNanos, CostSource, Convention)
SELECT
  if(trace % 10 = 0, 'bench_other', '${BENCH_PROJECT}') AS ProjectId,
  fromUnixTimestamp64Nano(toInt64(toUnixTimestamp64Nano(now64(9)) - toInt64({total:UInt64} - n) * {step:Int64}), 'UTC') AS Timestamp,
  lower(hex(MD5(toString(trace)))) AS TraceId,
  substring(lower(hex(MD5(toString(n)))), 1, 16) AS SpanId,
  if(n % ${SPANS_PER_TRACE} = 0, '', substring(lower(hex(MD5(toString(trace * ${SPANS_PER_TRACE})))), 1, 16)) AS ParentSpanId,
  if(n % ${SPANS_PER_TRACE} = 0, endpoint, concat('chat ', model)) AS SpanName,
  'Client', ['checkout', 'support'][trace % 2 + 1] AS ServiceName,
  map('service.name', ServiceName, 'telemetry.sdk.language', 'nodejs'),
  '@sightline/sdk', '0.1.0',
  map('gen_ai.request.model', model, 'gen_ai.operation.name', 'chat', 'sightline.metadata.tenant', toString(trace % 50),
    'sightline.endpoint', if(n % ${SPANS_PER_TRACE} = 0, '', endpoint), 'sightline.config.version', concat('cfg-', toString(trace % 6 % 3 + 1))),
  toUInt64(200e6 + (h % 4000) * 1e6) AS Duration,
  if(h % 50 = 0, 'Error', 'Ok') AS StatusCode,
  if(h % 50 = 0, 'rate limited', ''),
  if(n % ${SPANS_PER_TRACE} = 0, 'agent', 'llm'),
  'chat',
  if(startsWith(model, 'claude'), 'anthropic', if(startsWith(model, 'gemini'), 'gcp.gemini', 'openai')),
  model, concat(model, '-2025'),
  500 + h % 3000, 50 + h % 700, h % 200, h % 40,
  if(h % 3 = 0, NULL, toFloat64(100 + h % 900)),
  ['stop'],
  if(h % 50 = 0, 'rate_limit', ''),
  'support-answer', toString(1 + trace % 4),
  concat('user-', toString(trace % 200)) AS UserId,
  concat('session-', toString(trace % 5000)),
  'production', '1.4.2', 'default',
  if(h % 20 = 0, 2, 1),
  ['', 'passed', 'failed'][h % 3 + 1],
  ${contentExpr('n', 'user')} AS InputContent,
  ${contentExpr('n + 1', 'assistant')} AS OutputContent,
  toInt64((500 + h % 3000) * 150 + (50 + h % 700) * 600) AS CostNanos,
  'priced', 'sightline'
FROM (
  SELECT number + {offset:UInt64} AS n, intDiv(n, ${SPANS_PER_TRACE}) AS trace, cityHash64(n) AS h,
    ${models}[cityHash64(trace) % 5 + 1] AS model, ${ENDPOINTS_SQL}[trace % ${ENDPOINTS.length} + 1] AS endpoint
  FROM numbers({count:UInt64})
)`,
    { offset: String(offset), count: String(count), total: String(total), step: String(stepNs) },
  );
}

/** Distinct chat contents for JS-side rows: `size` user prompts and `size` assistant answers. */
export interface JsContentPool {
  input: string[];
  output: string[];
}

/** About 2.2 KB of chat-message JSON per entry, worded from a seeded xorshift32, every entry different. */
export function jsContentPool(size: number, seed = 1): JsContentPool {
  let state = (seed * 2654435761) >>> 0 || 1;
  const nextWord = (): string => {
    // xorshift32: cheap, and varied enough that compression sees prompt-like text, not a pattern.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return WORDS[(state >>> 0) % WORDS.length] ?? '';
  };
  const words = (): string => {
    let text = '';
    for (let w = 0; w < 225; w++) text += `${nextWord()} `;
    return text;
  };
  const input: string[] = [];
  const output: string[] = [];
  for (let i = 0; i < size; i++) {
    input.push(JSON.stringify([{ role: 'user', content: words() }]));
    output.push(JSON.stringify([{ role: 'assistant', content: words() }]));
  }
  return { input, output };
}

/**
 * JS-side rows of the same shape for the insert-rate measurement. Row n carries pool entry
 * n mod pool size: with a pool at least one batch large, no two rows of an insert share content
 * (compression sees what unique prompts give it), while the heap holds one pool rather than every
 * row's own 4.5 KB of strings. The ingest path keeps waiting spans off the heap as encoded lines,
 * so a heap of 100k rows' unique strings would charge the measurement garbage-collection work
 * production does not do.
 */
export function jsSpanBatch(base: SpanRow, count: number, startIndex: number, pool: JsContentPool = jsContentPool(count, startIndex)): SpanRow[] {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const size = pool.input.length;
  return Array.from({ length: count }, (_, i) => {
    const n = startIndex + i;
    return {
      ...base,
      Timestamp: (nowNs - BigInt(n) * 1_000_000n).toString(),
      TraceId: n.toString(16).padStart(32, '0'),
      SpanId: (n + 1).toString(16).padStart(16, '0'),
      UserId: `user-${n % 200}`,
      // Four calls in five sit under a request; each names its endpoint and config version as the SDK does.
      ...(n % 5 === 0
        ? {}
        : {
            ParentSpanId: (n + 2).toString(16).padStart(16, '0'),
            SpanAttributes: {
              ...base.SpanAttributes,
              'sightline.endpoint': ENDPOINTS[n % ENDPOINTS.length] ?? '',
              'sightline.config.version': `cfg-${((n % ENDPOINTS.length) % 3) + 1}`,
            },
          }),
      InputContent: pool.input[n % size] ?? '',
      OutputContent: pool.output[n % size] ?? '',
    };
  });
}
