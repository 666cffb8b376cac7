import { reportInternal } from './diagnostics.ts';
import { endAllPending } from './pending-end.ts';
import { settings } from './settings.ts';

/**
 * Wraps a serverless handler (Lambda, Vercel, Cloud Functions) so its spans are exported before
 * it returns: platforms freeze the process right after, and a batch left in memory would be lost.
 * The handler's result and errors pass through unchanged.
 *
 * @example
 * ```ts
 * init({ serviceName: 'summarise-fn', serverless: true });
 * export const handler = wrapHandler(async (event) => summarise(event.body));
 * ```
 */
export function wrapHandler<A extends unknown[], R>(handler: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  return async function sightlineHandler(this: unknown, ...args: A): Promise<R> {
    try {
      return await handler.apply(this, args);
    } finally {
      try {
        endAllPending();
        if (settings.flush) await settings.flush();
      } catch (err) {
        reportInternal('flushing at the end of a handler', err);
      }
    }
  };
}
