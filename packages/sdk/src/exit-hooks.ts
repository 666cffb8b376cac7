import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { reportInternal } from './diagnostics.ts';
import { pendingCount } from './pending-end.ts';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const SIGNAL_FLUSH_TIMEOUT_MS = 2000;

/**
 * Flushes on SIGTERM/SIGINT and on `beforeExit`. A signal listener disables Node's default exit,
 * so when the SDK's is the only one it re-raises the signal after flushing: the app still dies
 * the way it would have, only after its last spans are out. Returns the uninstaller.
 */
export function installExitHooks(flush: () => Promise<void>, processor: () => SpanProcessor): () => void {
  let flushingOnExit = false;
  const onBeforeExit = (): void => {
    const p = processor() as { pendingBytes?: number };
    // Only when something waits: each flush schedules I/O, which makes beforeExit fire again.
    if (flushingOnExit || (p.pendingBytes === 0 && pendingCount() === 0)) return;
    flushingOnExit = true;
    void flush().finally(() => (flushingOnExit = false));
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SIGNAL_FLUSH_TIMEOUT_MS).unref());
    void Promise.race([flush(), timeout]).finally(() => {
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) {
        try {
          process.kill(process.pid, signal);
        } catch (err) {
          reportInternal('re-raising the exit signal', err);
        }
      }
    });
  };
  process.on('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.on(s, onSignal);
  return () => {
    process.removeListener('beforeExit', onBeforeExit);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}
