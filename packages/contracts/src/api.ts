import { z } from 'zod';
import { COST_SOURCES, FAILURE_CLASSES, SPAN_CLASSES } from './span-row.ts';

/**
 * Shapes of the query API (`/api/*`): what the server sends and the viewer parses.
 * Field names are the public contract: camelCase, add fields freely, never rename.
 * Timestamps are ISO-8601 strings in UTC with millisecond precision; money is USD as a number
 * (exact sums are computed in integer nano-dollars server-side and converted once).
 */

const isoTime = z.string();

// --- filters shared by /api/traces and /api/metrics/* ------------------------------------------
export const GROUP_BY_KEYS = ['model', 'provider', 'service', 'promptVersion', 'userId', 'environment', 'endpoint', 'configVersion'] as const;
export const GroupBy = z.enum(GROUP_BY_KEYS);
export type GroupBy = z.infer<typeof GroupBy>;

export const INTERVALS = ['minute', 'hour', 'day'] as const;
export const Interval = z.enum(INTERVALS);
export type Interval = z.infer<typeof Interval>;

export const TraceFilters = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
  service: z.string().optional(),
  environment: z.string().optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
  status: z.enum(['ok', 'error']).optional(),
  failureClass: z.enum(FAILURE_CLASSES).optional(),
  promptName: z.string().optional(),
  promptVersion: z.string().optional(),
  /** `sightline.config.version` of a span (the SDK's `configVersion`). */
  configVersion: z.string().optional(),
  /**
   * The endpoint: in the trace list, the trace's root span name (`POST /chat`, a workflow); in
   * metrics and alerts, the endpoint each span served (`sightline.endpoint`, its local root's name).
   */
  endpoint: z.string().optional(),
  userId: z.string().optional(),
  sessionId: z.string().optional(),
  minCostUsd: z.coerce.number().nonnegative().optional(),
  minDurationMs: z.coerce.number().nonnegative().optional(),
  /** Free text searched in prompts and outputs. */
  q: z.string().max(500).optional(),
  /** `key=value` on span attributes; repeatable. */
  attr: z.union([z.string(), z.array(z.string())]).optional(),
});
export type TraceFilters = z.infer<typeof TraceFilters>;

export const TRACE_SORTS = ['startTime', 'durationMs', 'costUsd'] as const;
export const TraceListQuery = TraceFilters.extend({
  sort: z.enum(TRACE_SORTS).default('startTime'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});
export type TraceListQuery = z.infer<typeof TraceListQuery>;

// --- traces ------------------------------------------------------------------------------------
export const TraceListItem = z.object({
  traceId: z.string(),
  /** The root span's name; until a root span has arrived (`hasRoot` false), the earliest span's. */
  rootName: z.string(),
  /**
   * Whether the trace's root span (one without a parent) is stored. False while the trace is still
   * running (the root ends, and is exported, last) or when its root lives in a service that does
   * not send here: its duration, cost and status then cover the spans that have arrived.
   */
  hasRoot: z.boolean(),
  serviceName: z.string(),
  startTime: isoTime,
  durationMs: z.number(),
  spanCount: z.number(),
  llmCallCount: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  /** Calls in the trace whose model has no price: costUsd excludes them. */
  unpricedCallCount: z.number(),
  status: z.enum(['ok', 'error']),
  userId: z.string(),
  sessionId: z.string(),
});
export type TraceListItem = z.infer<typeof TraceListItem>;

export const TraceListResponse = z.object({
  items: z.array(TraceListItem),
  nextCursor: z.string().nullable(),
});
export type TraceListResponse = z.infer<typeof TraceListResponse>;

export const CostExplanationLine = z.object({
  /** input | cached_input | cache_write_5m | cache_write_1h | output | reasoning | gpu_seconds | ... */
  usageType: z.string(),
  quantity: z.number(),
  /** USD per one million units (tokens), or per hour for GPU time. */
  unitPriceUsd: z.number(),
  unit: z.string(),
  costUsd: z.number(),
});

export const CostExplanation = z.object({
  /** The price entry used: provider/model key of the table or override. */
  priceKey: z.string().nullable(),
  /** 'bundled' | 'override' | 'self-hosted' | 'explicit' | 'none' */
  source: z.string(),
  effectiveFrom: z.string().nullable(),
  serviceTier: z.string().nullable(),
  lines: z.array(CostExplanationLine),
  totalUsd: z.number().nullable(),
  note: z.string().nullable(),
});
export type CostExplanation = z.infer<typeof CostExplanation>;

export const SpanEvent = z.object({
  time: isoTime,
  name: z.string(),
  attributes: z.record(z.string(), z.string()),
});

export const SpanDetail = z.object({
  spanId: z.string(),
  parentSpanId: z.string(),
  name: z.string(),
  spanClass: z.enum(SPAN_CLASSES),
  serviceName: z.string(),
  startTime: isoTime,
  /** Start time in nanoseconds since the epoch as a decimal string, for exact waterfall layout. */
  startTimeUnixNano: z.string(),
  durationMs: z.number(),
  status: z.enum(['ok', 'error', 'unset']),
  failureClass: z.string().nullable(),
  statusMessage: z.string(),
  provider: z.string(),
  requestModel: z.string(),
  responseModel: z.string(),
  operationName: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cachedInputTokens: z.number(),
  cacheWriteTokens: z.number(),
  reasoningTokens: z.number(),
  costUsd: z.number().nullable(),
  costStatus: z.enum(COST_SOURCES).nullable(),
  costExplanation: CostExplanation.nullable(),
  ttftMs: z.number().nullable(),
  finishReasons: z.array(z.string()),
  promptName: z.string(),
  promptVersion: z.string(),
  /** `sightline.config.version`: the LLM configuration the call ran with (`init` / `withContext`); '' when none. */
  configVersion: z.string(),
  userId: z.string(),
  sessionId: z.string(),
  /** 'default' | 'batch' | 'flex' | 'priority' | '' — picks the price the cost was computed with. */
  serviceTier: z.string(),
  toolName: z.string(),
  attempt: z.number(),
  validationStatus: z.string(),
  /** JSON text (messages, tool arguments, retrieval query); null when not captured. */
  input: z.string().nullable(),
  output: z.string().nullable(),
  contentTruncated: z.boolean(),
  attributes: z.record(z.string(), z.string()),
  resourceAttributes: z.record(z.string(), z.string()),
  events: z.array(SpanEvent),
  convention: z.string(),
  diagnostics: z.array(z.string()),
});
export type SpanDetail = z.infer<typeof SpanDetail>;

export const TraceDetailResponse = z.object({
  traceId: z.string(),
  spans: z.array(SpanDetail),
  /** True when the trace has more spans than one response carries (10,000); the earliest are sent. */
  truncated: z.boolean().optional(),
});
export type TraceDetailResponse = z.infer<typeof TraceDetailResponse>;

export const SessionResponse = z.object({
  sessionId: z.string(),
  traces: z.array(TraceListItem),
  /** True when the session has more traces than one response carries (1,000); the earliest are sent. */
  truncated: z.boolean().optional(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

// --- metrics -----------------------------------------------------------------------------------
export const MetricsQuery = TraceFilters.omit({ q: true, attr: true, minCostUsd: true, minDurationMs: true, sessionId: true }).extend({
  groupBy: GroupBy.optional(),
  interval: Interval.default('hour'),
});
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/** A point carries `t` (bucket start, ISO) and the metric's numeric fields. */
export const MetricPoint = z.object({ t: isoTime }).catchall(z.number().nullable());
export type MetricPoint = z.infer<typeof MetricPoint>;

export const MetricSeries = z.object({
  key: z.string(),
  points: z.array(MetricPoint),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

export const MetricsResponse = z.object({
  series: z.array(MetricSeries),
  totals: z.record(z.string(), z.number().nullable()),
});
export type MetricsResponse = z.infer<typeof MetricsResponse>;

// --- top lists ---------------------------------------------------------------------------------
export const TOP_LISTS = [
  'costliest-users',
  'costliest-prompts',
  'costliest-traces',
  'costliest-endpoints',
  'slowest-calls',
  'retry-loops',
  'validation-failures',
  'unpriced-models',
] as const;
export const TopListName = z.enum(TOP_LISTS);
export type TopListName = z.infer<typeof TopListName>;

/** Query of `GET /api/top/:list`. Filters narrow the calls the list is computed over. */
export const TopListQuery = TraceFilters.pick({
  from: true,
  to: true,
  service: true,
  environment: true,
  model: true,
  provider: true,
  promptName: true,
  promptVersion: true,
  userId: true,
}).extend({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TopListQuery = z.infer<typeof TopListQuery>;

export const TopListRow = z.object({ key: z.string() }).catchall(z.union([z.string(), z.number(), z.null()]));
export const TopListResponse = z.object({
  list: TopListName,
  items: z.array(TopListRow),
});
export type TopListResponse = z.infer<typeof TopListResponse>;

// --- compare -----------------------------------------------------------------------------------
/**
 * Query of `GET /api/compare`. For `promptVersion`, `a` and `b` are versions of `promptName`, or
 * carry their prompt as `name@version`.
 */
export const COMPARE_DIMENSIONS = ['model', 'promptVersion', 'configVersion'] as const;
export const CompareQuery = TraceFilters.pick({ from: true, to: true, service: true, environment: true, provider: true, endpoint: true }).extend({
  dimension: z.enum(COMPARE_DIMENSIONS),
  a: z.string().min(1),
  b: z.string().min(1),
  promptName: z.string().optional(),
});
export type CompareQuery = z.infer<typeof CompareQuery>;

export const CompareSide = z.object({
  key: z.string(),
  calls: z.number(),
  costPerCallUsd: z.number().nullable(),
  totalCostUsd: z.number(),
  p50DurationMs: z.number().nullable(),
  p95DurationMs: z.number().nullable(),
  p95TtftMs: z.number().nullable(),
  failureRate: z.number().nullable(),
  /** Share of calls whose structured output failed validation (`recordValidation`). */
  validationFailureRate: z.number().nullable(),
  /** Share of calls that were a retry of the same logical call (attempt 2 and later). */
  retryRate: z.number().nullable(),
  avgInputTokens: z.number().nullable(),
  avgOutputTokens: z.number().nullable(),
});
export const CompareResponse = z.object({
  dimension: z.enum(COMPARE_DIMENSIONS),
  from: isoTime,
  to: isoTime,
  a: CompareSide,
  b: CompareSide,
});
export type CompareResponse = z.infer<typeof CompareResponse>;

// --- keys and diagnostics ------------------------------------------------------------------------
export const ApiKeyInfo = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  /** First characters of the key, for recognising it; the key itself is never stored. */
  prefix: z.string(),
  createdAt: isoTime,
  revokedAt: isoTime.nullable(),
  /** When the key last authenticated a request (ingest or API), to about a minute; null if never. */
  lastUsedAt: isoTime.nullable(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

export const CreatedApiKey = ApiKeyInfo.extend({
  /** Shown once, at creation. */
  key: z.string(),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const IngestDiagnosticsRow = z.object({
  serviceName: z.string(),
  convention: z.string(),
  diagnostic: z.string(),
  count: z.number(),
  lastSeen: isoTime,
});
export const IngestDiagnosticsQuery = TraceFilters.pick({ from: true, to: true, service: true });
export type IngestDiagnosticsQuery = z.infer<typeof IngestDiagnosticsQuery>;
export const IngestDiagnosticsResponse = z.object({ items: z.array(IngestDiagnosticsRow) });
export type IngestDiagnosticsResponse = z.infer<typeof IngestDiagnosticsResponse>;

/** Every error body of the API. `code` is stable; `message` is for people. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
