import { diag } from '@opentelemetry/api';

/**
 * The SDK's single report path. Everything the SDK notices about itself (a mask hook that threw,
 * an exporter that failed, spans dropped for memory) goes here and never to the host's code path.
 */
export const sdkLog = diag.createComponentLogger({ namespace: '@sightline/sdk' });

const lastReported = new Map<string, number>();

/** Reports an internal failure at most once per `everyMs` per `where`, so a hot path cannot flood logs. */
export function reportInternal(where: string, err: unknown, everyMs = 60_000): void {
  try {
    const now = Date.now();
    const last = lastReported.get(where);
    if (last !== undefined && now - last < everyMs) return;
    lastReported.set(where, now);
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    sdkLog.warn(`${where}: ${message}`);
  } catch (reportErr) {
    // The logger itself failed (a broken diag logger installed by the host); nothing safer to do.
    void reportErr;
  }
}

/** Counters the minute reporter publishes; never reset silently. */
export const dropCounters = { spansDroppedForMemory: 0, spansDroppedByExporter: 0, exportFailures: 0, spansRejectedByServer: 0 };

let reporter: NodeJS.Timeout | undefined;

/** Starts the once-a-minute report of dropped spans. Idempotent; the timer never keeps the process alive. */
export function startDropReporter(intervalMs = 60_000): void {
  if (reporter) return;
  reporter = setInterval(publishDrops, intervalMs);
  reporter.unref();
}

export function stopDropReporter(): void {
  if (reporter) clearInterval(reporter);
  reporter = undefined;
  publishDrops();
}

function publishDrops(): void {
  const { spansDroppedForMemory, spansDroppedByExporter, exportFailures, spansRejectedByServer } = dropCounters;
  if (spansDroppedForMemory + spansDroppedByExporter + exportFailures + spansRejectedByServer === 0) return;
  sdkLog.warn(
    `in the last interval: ${spansDroppedForMemory} spans dropped (memory budget), ` +
      `${spansDroppedByExporter} spans lost in ${exportFailures} failed exports, ` +
      `${spansRejectedByServer} spans rejected by the collector (partial success)`,
  );
  dropCounters.spansRejectedByServer = 0;
  dropCounters.spansDroppedForMemory = 0;
  dropCounters.spansDroppedByExporter = 0;
  dropCounters.exportFailures = 0;
}
