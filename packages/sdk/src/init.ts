import { trace, type TracerProvider } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as K from '@sightline/contracts/semconv';
import { BudgetGuard } from './budget.ts';
import { resolveConfig, type ResolvedConfig, type SightlineOptions } from './config.ts';
import { reportInternal, sdkLog, startDropReporter, stopDropReporter } from './diagnostics.ts';
import { BoundedBatchProcessor } from './export/bounded-processor.ts';
import { RootTrackingProcessor } from './endpoint.ts';
import { SightlineProtoExporter } from './export/otlp-proto-exporter.ts';
import { attachProcessor, detachProcessor, ensureContextManager, existingProvider } from './otel-host.ts';
import { endAllPending } from './pending-end.ts';
import { settings } from './settings.ts';
import { SDK_NAME, SDK_VERSION } from './version.ts';
import { installExitHooks } from './exit-hooks.ts';

/** What `init()` returns; the same functions are exported as `flush` / `shutdown`. */
export interface SightlineHandle {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  /** The provider spans go to: the SDK's own, or the host's one it attached to. */
  readonly tracerProvider: TracerProvider | undefined;
}

interface Active extends SightlineHandle {
  processor: SpanProcessor;
  registeredGlobal: boolean;
  ownProvider: BasicTracerProvider | undefined;
  hostProvider: TracerProvider | undefined;
  removeExitHooks: () => void;
}

let active: Active | undefined;

function makeExporter(config: ResolvedConfig): SpanExporter {
  if (config.protocol === 'http/protobuf') {
    return new SightlineProtoExporter({ url: config.tracesUrl, headers: config.headers, compression: config.compression, timeoutMillis: 10_000 });
  }
  const common = {
    url: config.tracesUrl,
    headers: config.headers,
    // The exporters type this as an enum of exactly these two strings.
    compression: config.compression as never,
    timeoutMillis: 10_000,
  };
  return new OTLPJsonExporter(common);
}

/**
 * Starts exporting LLM traces over OTLP/HTTP. Call once at start-up, before wrapping clients.
 * Joins an OpenTelemetry SDK the app already runs (NodeSDK, Sentry) instead of replacing it.
 * Never throws: a bad option is named in a diagnostic and replaced by its default.
 *
 * @example
 * ```ts
 * import { init } from '@sightline/sdk';
 * init({ serviceName: 'support-bot', endpoint: 'http://localhost:4318', apiKey: process.env.SIGHTLINE_API_KEY });
 * ```
 */
export function init(options: SightlineOptions = {}): SightlineHandle {
  if (active) {
    sdkLog.warn('init() called again; keeping the first configuration');
    return active;
  }
  try {
    const { config, warnings } = resolveConfig(options, process.env);
    for (const w of warnings) sdkLog.warn(`config: ${w}`);
    settings.content = {
      capture: config.captureContent,
      redactSecrets: config.redactSecrets,
      mask: typeof options.mask === 'function' ? options.mask : undefined,
      maxAttributeBytes: config.maxAttributeBytes,
    };
    settings.validationWindowMs = config.validationWindowMs;
    settings.configVersion = config.configVersion;
    settings.serverless = options.serverless === true;
    const host = existingProvider();
    const processor = new RootTrackingProcessor(
      options.spanProcessor ??
        new BoundedBatchProcessor(options.exporter ?? makeExporter(config), {
          maxQueueBytes: config.maxQueueBytes,
          maxExportBatchSize: config.maxExportBatchSize,
          scheduledDelayMillis: config.scheduledDelayMillis,
          exportTimeoutMillis: 15_000,
          suppressTracing: host !== undefined,
        }),
    );
    ensureContextManager();
    let ownProvider: BasicTracerProvider | undefined;
    let hostProvider: TracerProvider | undefined;
    let registeredGlobal = false;
    if (host && attachProcessor(host, processor)) {
      hostProvider = host;
      if (config.sampleRate < 1) sdkLog.warn('sampleRate is ignored: the host OpenTelemetry SDK samples');
    } else {
      if (host) sdkLog.warn('an OpenTelemetry provider is registered but cannot take processors; using a private provider');
      ownProvider = new BasicTracerProvider({
        resource: resourceFromAttributes({
          [K.ATTR_SERVICE_NAME]: config.serviceName,
          ...(config.serviceVersion ? { [K.ATTR_SERVICE_VERSION]: config.serviceVersion } : {}),
          ...(config.environment ? { [K.ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: config.environment } : {}),
          [K.ATTR_SIGHTLINE_SDK_VERSION]: SDK_VERSION,
        }),
        // AlwaysOn at rate 1: the ratio sampler costs ~1% of a call for a decision known in advance.
        sampler: new ParentBasedSampler({ root: config.sampleRate >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(config.sampleRate) }),
        spanProcessors: [processor],
      });
      if (options.registerGlobal ?? !host) registeredGlobal = trace.setGlobalTracerProvider(ownProvider);
    }
    const provider: TracerProvider = hostProvider ?? (ownProvider as TracerProvider);
    settings.tracer = provider.getTracer(SDK_NAME, SDK_VERSION);
    settings.budget = options.budget ? new BudgetGuard(options.budget, config.budgetStatusUrl, config.headers) : undefined;
    const flushAll = async (): Promise<void> => {
      try {
        endAllPending();
        await processor.forceFlush();
      } catch (err) {
        reportInternal('flush', err);
      }
    };
    settings.flush = flushAll;
    startDropReporter();
    active = {
      processor,
      registeredGlobal,
      ownProvider,
      hostProvider,
      tracerProvider: provider,
      flush: flushAll,
      shutdown: shutdown,
      removeExitHooks: options.flushOnExit === false ? () => undefined : installExitHooks(flushAll, () => processor),
    };
    return active;
  } catch (err) {
    reportInternal('init failed; LLM calls run untraced', err);
    return { flush: async () => undefined, shutdown: async () => undefined, tracerProvider: undefined };
  }
}

/**
 * Exports every finished span now. Resolves when done; never rejects.
 *
 * @example
 * ```ts
 * await flush(); // e.g. at the end of a script or a test
 * ```
 */
export async function flush(): Promise<void> {
  if (active) await active.flush();
  else endAllPending();
}

/**
 * Flushes, stops exporting and releases timers and signal handlers. The host's own provider, if
 * the SDK attached to one, keeps running. Never rejects.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', async () => { await shutdown(); server.close(); });
 * ```
 */
export async function shutdown(): Promise<void> {
  const a = active;
  if (!a) return;
  active = undefined;
  try {
    a.removeExitHooks();
    endAllPending();
    // Unregister what init() registered, so a later init() starts clean instead of attaching to it.
    if (a.registeredGlobal) trace.disable();
    if (a.ownProvider) await a.ownProvider.shutdown();
    else {
      await a.processor.shutdown();
      if (a.hostProvider) detachProcessor(a.hostProvider, a.processor);
    }
  } catch (err) {
    reportInternal('shutdown', err);
  } finally {
    settings.tracer = undefined;
    settings.budget = undefined;
    settings.flush = undefined;
    settings.configVersion = undefined;
    stopDropReporter();
  }
}
