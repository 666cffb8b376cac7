import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { BudgetOptions } from './budget.ts';
import type { MaskFn } from './content.ts';

/** Options of `init()`. Every one has an environment variable or a safe default. */
export interface SightlineOptions {
  /** `service.name`. Env: `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  /** `service.version`. Env: `SIGHTLINE_SERVICE_VERSION`. */
  serviceVersion?: string;
  /** `deployment.environment.name`. Env: `SIGHTLINE_ENVIRONMENT`, else `NODE_ENV`. */
  environment?: string;
  /**
   * The version of the LLM configuration this process runs (model settings, retrieval depth, tool
   * set: whatever you version besides prompts), recorded on every LLM span as
   * `sightline.config.version`. `withContext({ configVersion })` overrides it per request (an
   * experiment arm). Env: `SIGHTLINE_CONFIG_VERSION`.
   */
  configVersion?: string | number;
  /**
   * The Sightline server (or any OTLP/HTTP collector). A base URL gets `/v1/traces` appended.
   * Env: `SIGHTLINE_ENDPOINT`, else `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), else
   * `OTEL_EXPORTER_OTLP_ENDPOINT`. Default `http://localhost:4318`.
   */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. Env: `SIGHTLINE_API_KEY`. Never logged. */
  apiKey?: string;
  /** Extra export headers. */
  headers?: Record<string, string>;
  /** Fraction of traces kept, 0..1. Env: `SIGHTLINE_SAMPLE_RATE`. Default 1. */
  sampleRate?: number;
  /**
   * Record prompts and outputs. Default true; off when this is false or when
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false`.
   */
  captureContent?: boolean;
  /** Rewrites each captured text before export; a mask that throws yields `[REDACTED]`. */
  mask?: MaskFn;
  /** Built-in redaction of API keys, AWS keys, JWTs and private keys. Default true. */
  redactSecrets?: boolean;
  /** Cap per content attribute, in UTF-8 bytes. Default 65536. */
  maxAttributeBytes?: number;
  /** Memory bound of spans waiting for export, in bytes. Default 32 MiB. */
  maxQueueBytes?: number;
  /**
   * Spans per export batch. Default 256: requests are cut at 1 MiB, and the SDK's encoder
   * (~4 µs per 4.6 KB span) yields to the event loop every 32 spans, so stalls stay short.
   */
  maxExportBatchSize?: number;
  /** Export delay. Default 1000 ms. */
  scheduledDelayMillis?: number;
  /**
   * `'http/protobuf'` (default: Sightline's own encoder, the cheapest on CPU) or `'http/json'`
   * (the stock OpenTelemetry JSON exporter). Env: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`.
   */
  protocol?: 'http/json' | 'http/protobuf';
  /**
   * Default: none for a loopback endpoint (compressing costs more CPU than the bytes it saves
   * there), gzip at level 1 for any other host.
   */
  compression?: 'gzip' | 'none';
  /** Register the SDK's provider as the global one. Default: only when no provider is registered. */
  registerGlobal?: boolean;
  /** Serverless: root spans' promises settle after their spans are exported. */
  serverless?: boolean;
  /** Flush on SIGTERM / SIGINT / beforeExit. Default true. */
  flushOnExit?: boolean;
  /**
   * How long an LLM span waits for `recordValidation()`. Default 0: until the next event-loop turn,
   * which covers validating in the same continuation as the awaited call. Later validation is
   * recorded on a `validation` child span.
   */
  validationWindowMs?: number;
  /** Check server-side budgets before each wrapped call. */
  budget?: BudgetOptions;
  /** Export through this exporter instead of OTLP/HTTP (tests, custom sinks). */
  exporter?: SpanExporter;
  /** Use this processor instead of the SDK's bounded batch processor. */
  spanProcessor?: SpanProcessor;
}

export interface ResolvedConfig {
  serviceName: string;
  serviceVersion: string | undefined;
  environment: string | undefined;
  configVersion: string | undefined;
  tracesUrl: string;
  budgetStatusUrl: string;
  headers: Record<string, string>;
  sampleRate: number;
  captureContent: boolean;
  redactSecrets: boolean;
  maxAttributeBytes: number;
  maxQueueBytes: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  protocol: 'http/json' | 'http/protobuf';
  compression: 'gzip' | 'none';
  validationWindowMs: number;
}

type Env = Record<string, string | undefined>;

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false; // an invalid URL is replaced by localhost later; compression is moot there
  }
}

function tracesUrlFrom(options: SightlineOptions, env: Env): string {
  const base = options.endpoint ?? env.SIGHTLINE_ENDPOINT;
  if (base) return base.replace(/\/+$/, '').endsWith('/v1/traces') ? base : `${base.replace(/\/+$/, '')}/v1/traces`;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const otlp = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
  return `${otlp.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Merges options over the environment. A bad value never throws: it is named in a warning and
 * replaced by its default, because a typo in telemetry config must not take the app down.
 */
export function resolveConfig(options: SightlineOptions, env: Env): { config: ResolvedConfig; warnings: string[] } {
  const warnings: string[] = [];
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (Number.isFinite(value) && value > 0) return value;
    warnings.push(`${name} must be a positive number; using ${fallback}`);
    return fallback;
  };
  let tracesUrl = tracesUrlFrom(options, env);
  let origin = 'http://localhost:4318';
  try {
    origin = new URL(tracesUrl).origin;
  } catch {
    warnings.push(`endpoint is not a valid URL; using http://localhost:4318`);
    tracesUrl = 'http://localhost:4318/v1/traces';
  }
  const rawRate = options.sampleRate ?? (env.SIGHTLINE_SAMPLE_RATE !== undefined ? Number(env.SIGHTLINE_SAMPLE_RATE) : 1);
  let sampleRate = 1;
  if (Number.isFinite(rawRate) && rawRate >= 0 && rawRate <= 1) sampleRate = rawRate;
  else warnings.push('sampleRate must be between 0 and 1; using 1');
  const envContent = env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT?.trim().toLowerCase();
  const headers: Record<string, string> = { ...options.headers };
  const apiKey = options.apiKey ?? env.SIGHTLINE_API_KEY;
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  const envProtocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  const protocol = options.protocol ?? (envProtocol === 'http/json' ? 'http/json' : 'http/protobuf');
  if (protocol !== 'http/json' && protocol !== 'http/protobuf') warnings.push('protocol must be http/json or http/protobuf');
  const compression = options.compression ?? (isLoopback(tracesUrl) ? 'none' : 'gzip');
  if (compression !== 'gzip' && compression !== 'none') warnings.push('compression must be gzip or none');
  if (options.mask !== undefined && typeof options.mask !== 'function') warnings.push('mask must be a function; ignored');
  return {
    warnings,
    config: {
      serviceName: options.serviceName ?? env.OTEL_SERVICE_NAME ?? env.SIGHTLINE_SERVICE_NAME ?? 'unknown_service:node',
      serviceVersion: options.serviceVersion ?? env.SIGHTLINE_SERVICE_VERSION,
      environment: options.environment ?? env.SIGHTLINE_ENVIRONMENT ?? env.NODE_ENV,
      configVersion: versionText(options.configVersion ?? env.SIGHTLINE_CONFIG_VERSION),
      tracesUrl,
      budgetStatusUrl: `${origin}/api/budgets/status`,
      headers,
      sampleRate,
      captureContent: options.captureContent !== false && envContent !== 'false' && envContent !== '0',
      redactSecrets: options.redactSecrets !== false,
      maxAttributeBytes: positive('maxAttributeBytes', options.maxAttributeBytes, 64 * 1024),
      maxQueueBytes: positive('maxQueueBytes', options.maxQueueBytes, 32 * 1024 * 1024),
      maxExportBatchSize: positive('maxExportBatchSize', options.maxExportBatchSize, 256),
      scheduledDelayMillis: positive('scheduledDelayMillis', options.scheduledDelayMillis, 1000),
      protocol: protocol === 'http/json' ? protocol : 'http/protobuf',
      compression: compression === 'gzip' ? 'gzip' : 'none',
      validationWindowMs: options.validationWindowMs === 0 ? 0 : positive('validationWindowMs', options.validationWindowMs, 0),
    },
  };
}

/** A version as recorded: numbers as their text, blank or non-scalar values as none. */
export function versionText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t.slice(0, 256);
}
