import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { flush, init, shutdown } from '@sightline/sdk';
import { DemoSpanExporter, TraceRegistry } from './trace-shift.ts';

export interface TelemetryOptions {
  /** Sightline (or a collector): a base URL, `/v1/traces` is appended. */
  endpoint: string;
  apiKey?: string | undefined;
  /** Replaces the OTLP exporter (tests capture in memory). */
  exporter?: SpanExporter;
  environment?: string;
}

export interface DemoTelemetry {
  registry: TraceRegistry;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts the SDK once for the whole demo. Spans go through {@link DemoSpanExporter}, which names the
 * service of each trace and moves backfilled traces into the past, then out over OTLP/protobuf.
 */
export function startTelemetry(opts: TelemetryOptions): DemoTelemetry {
  const registry = new TraceRegistry();
  const url = `${opts.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const inner =
    opts.exporter ??
    new OTLPTraceExporter({ url, headers: opts.apiKey !== undefined ? { Authorization: `Bearer ${opts.apiKey}` } : {}, timeoutMillis: 15_000 });
  const environment = opts.environment ?? 'production';
  const exporter = new DemoSpanExporter(inner, registry, (service) => ({
    'service.name': service,
    'service.version': service === 'resume-analyser' ? '2.3.0' : '1.8.1',
    'deployment.environment.name': environment,
  }));
  init({
    serviceName: 'sightline-demo',
    environment,
    endpoint: opts.endpoint,
    ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}),
    exporter,
    // The backfill produces a week of spans in under a minute: a bigger queue and batches keep up.
    maxQueueBytes: 256 * 1024 * 1024,
    maxExportBatchSize: 512,
    scheduledDelayMillis: 250,
    validationWindowMs: 500,
    flushOnExit: true,
  });
  return { registry, flush, shutdown };
}
