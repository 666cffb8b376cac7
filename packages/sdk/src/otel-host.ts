import { context, trace, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { reportInternal } from './diagnostics.ts';

/** The global provider the host registered (NodeSDK, Sentry, ...), or undefined when none. */
export function existingProvider(): TracerProvider | undefined {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const real = typeof global.getDelegate === 'function' ? global.getDelegate() : global;
  return real.constructor?.name === 'NoopTracerProvider' ? undefined : real;
}

/**
 * Adds a processor to a provider that is already running: OTel 1.x has `addSpanProcessor`; 2.x
 * takes processors at construction only, so the processor joins its multi-processor's list.
 */
export function attachProcessor(provider: TracerProvider, processor: SpanProcessor): boolean {
  const p = provider as TracerProvider & {
    addSpanProcessor?: (sp: SpanProcessor) => void;
    _activeSpanProcessor?: { _spanProcessors?: SpanProcessor[] };
    _delegate?: TracerProvider;
  };
  try {
    if (typeof p.addSpanProcessor === 'function') {
      p.addSpanProcessor(processor);
      return true;
    }
    const list = p._activeSpanProcessor?._spanProcessors;
    if (Array.isArray(list)) {
      list.push(processor);
      return true;
    }
    if (p._delegate && p._delegate !== provider) return attachProcessor(p._delegate, processor);
  } catch (err) {
    reportInternal('attaching to the existing tracer provider', err);
  }
  return false;
}

/** Removes a processor attached by {@link attachProcessor} (used on shutdown). */
export function detachProcessor(provider: TracerProvider, processor: SpanProcessor): void {
  const list = (provider as { _activeSpanProcessor?: { _spanProcessors?: SpanProcessor[] } })._activeSpanProcessor?._spanProcessors;
  if (Array.isArray(list)) {
    const i = list.indexOf(processor);
    if (i >= 0) list.splice(i, 1);
  }
}

/**
 * Async context is what puts every span of one request in one trace. Installs the
 * AsyncLocalStorage manager unless the host already has a context manager.
 */
export function ensureContextManager(): void {
  try {
    const current = (context as unknown as { _getContextManager?: () => object })._getContextManager?.();
    if (current && current.constructor?.name !== 'NoopContextManager') return;
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  } catch (err) {
    reportInternal('installing the async context manager', err);
  }
}
