import { z } from 'zod';

/**
 * The row the ingest normaliser produces and `packages/storage` writes into the `spans` table.
 *
 * Column names are those of the OpenTelemetry Collector ClickHouse exporter's `otel_traces`
 * (PascalCase), plus typed LLM columns. Keep this file, the DDL in packages/storage and
 * ARCHITECTURE.md in step.
 */

export const SPAN_CLASSES = ['llm', 'embedding', 'tool', 'retrieval', 'agent', 'workflow', 'other'] as const;
export const SpanClass = z.enum(SPAN_CLASSES);
export type SpanClass = z.infer<typeof SpanClass>;

export const FAILURE_CLASSES = [
  'rate_limit',
  'provider_5xx',
  'timeout',
  'client_4xx',
  'validation',
  'tool_error',
  'cancelled',
  'other',
] as const;
export const FailureClass = z.enum(FAILURE_CLASSES);
export type FailureClass = z.infer<typeof FailureClass>;

/** How a span's cost came about. `''` for spans that carry no model usage (tools, agents). */
export const COST_SOURCES = ['priced', 'unpriced', 'explicit'] as const;
export const CostSource = z.enum(COST_SOURCES);
export type CostSource = z.infer<typeof CostSource>;

/** OTLP status codes as the Collector's ClickHouse exporter writes them. */
export const STATUS_CODES = ['Unset', 'Ok', 'Error'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

/** Which instrumentation convention the normaliser recognised on a span. */
export const CONVENTIONS = [
  'sightline',
  'otel-genai',
  'otel-genai-deprecated',
  'openllmetry',
  'openinference',
  'vercel-ai',
  'unknown',
] as const;
export type Convention = (typeof CONVENTIONS)[number];

export interface SpanEventRow {
  /** Nanoseconds since the epoch, as a decimal string (DateTime64(9) round-trips exactly). */
  Timestamp: string;
  Name: string;
  Attributes: Record<string, string>;
}

export interface SpanLinkRow {
  TraceId: string;
  SpanId: string;
  TraceState: string;
  Attributes: Record<string, string>;
}

export interface SpanRow {
  ProjectId: string;
  /** Start time: nanoseconds since the epoch as a decimal string. */
  Timestamp: string;
  /** 32 lowercase hex chars. */
  TraceId: string;
  /** 16 lowercase hex chars. */
  SpanId: string;
  /** 16 lowercase hex chars, or '' for a root span. */
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  /** 'Internal' | 'Server' | 'Client' | 'Producer' | 'Consumer' | 'Unspecified' */
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  /** Every attribute as received (values stringified; arrays and maps as JSON), content keys excluded. */
  SpanAttributes: Record<string, string>;
  /** Nanoseconds. */
  Duration: number;
  StatusCode: StatusCode;
  StatusMessage: string;
  Events: SpanEventRow[];
  Links: SpanLinkRow[];

  // --- typed LLM columns (empty string / 0 when not applicable) ---
  SpanClass: SpanClass;
  OperationName: string;
  Provider: string;
  RequestModel: string;
  ResponseModel: string;
  /** Input tokens INCLUDING cache reads and cache writes (one meaning whatever the provider's habit). */
  InputTokens: number;
  OutputTokens: number;
  /** Cache-read input tokens (a subset of InputTokens). */
  CacheReadTokens: number;
  /** Cache-write input tokens (a subset of InputTokens). */
  CacheWriteTokens: number;
  /** Reasoning tokens (a subset of OutputTokens). */
  ReasoningTokens: number;
  /** Time to first token/chunk in milliseconds, null when not streamed or unknown. */
  TtftMs: number | null;
  FinishReasons: string[];
  /** '' when the span did not fail. */
  FailureClass: FailureClass | '';
  PromptName: string;
  PromptVersion: string;
  UserId: string;
  SessionId: string;
  Environment: string;
  AppVersion: string;
  /** 'default' | 'batch' | 'flex' | 'priority' | '' */
  ServiceTier: string;
  ToolName: string;
  /** 1 for a first attempt; retries count up. 0 when unknown. */
  Attempt: number;
  /** '' | 'passed' | 'failed' */
  ValidationStatus: string;
  /** Prompt / input content as JSON text (messages array, tool arguments, retrieval query). */
  InputContent: string;
  /** Output content as JSON text (messages array, tool result, retrieved documents). */
  OutputContent: string;
  /** 1 when InputContent or OutputContent was cut to the size cap. */
  ContentTruncated: number;
  /** Cost in integer nano-dollars (1e-9 USD). 0 for unpriced and non-LLM spans. */
  CostNanos: number;
  CostSource: CostSource | '';
  Convention: Convention;
  /** Human-readable ingest diagnostics ("no usage: stream without include_usage"). */
  Diagnostics: string[];
}

/** Content columns are capped at this many bytes each on ingest; ContentTruncated marks the cut. */
export const MAX_CONTENT_BYTES = 256 * 1024;
