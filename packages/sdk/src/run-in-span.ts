import { SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { wallClockMs } from './clock.ts';
import { reportInternal } from './diagnostics.ts';
import { endAllPending } from './pending-end.ts';
import { settings } from './settings.ts';

/**
 * Runs `fn` with `span` active and calls `done` once it settles. The app gets back exactly what
 * `fn` returned (the same promise object, the same sync value) and exactly what it threw.
 */
export function runInSpan<T>(span: Span, fn: () => T, done: (ok: boolean, value: unknown) => void): T {
  const isRoot = !trace.getSpan(context.active());
  const settle = (ok: boolean, value: unknown): void => {
    try {
      done(ok, value);
    } catch (err) {
      reportInternal('ending a span', err);
    }
  };
  let result: T;
  try {
    result = context.with(trace.setSpan(context.active(), span), fn);
  } catch (err) {
    settle(false, err);
    throw err;
  }
  if (result && typeof (result as unknown as PromiseLike<unknown>).then === 'function') {
    const p = result as unknown as PromiseLike<unknown>;
    if (isRoot && settings.serverless && settings.flush) {
      // Serverless: a root span's promise settles only after its spans are exported, because the
      // platform may freeze the process as soon as the handler returns.
      const flush = settings.flush;
      return Promise.resolve(p).then(
        async (v) => (settle(true, v), endAllPending(), await flush(), v),
        async (e: unknown) => {
          settle(false, e);
          endAllPending();
          await flush();
          throw e;
        },
      ) as T;
    }
    p.then(
      (v) => settle(true, v),
      (e: unknown) => settle(false, e),
    );
    return result;
  }
  settle(true, result);
  return result;
}

/** Records an app error on a span without touching the error. */
export function markError(span: Span, err: unknown): void {
  const e = err as { name?: unknown; message?: unknown; constructor?: { name?: string } } | null;
  span.setAttribute('error.type', e?.constructor?.name ?? (typeof e?.name === 'string' ? e.name : 'Error'));
  if (err instanceof Error) span.recordException(err, wallClockMs());
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof e?.message === 'string' ? e.message.slice(0, 1024) : String(err) });
}
