import type { IngestDiagnosticsResponse } from '@sightline/contracts';
import { projectAndWindow } from './span-filters.ts';
import { SqlParams, nanosToIso, toNumber, type QueryDriver } from './sql-params.ts';
import { DEFAULT_TRACE_WINDOW_MS, resolveWindow } from './time-window.ts';

/**
 * What ingest recognised, per service × convention × diagnostic. Spans without a diagnostic count
 * under `diagnostic: ''`, so a service whose spans all parse cleanly still shows up.
 */
export async function queryIngestDiagnostics(
  driver: QueryDriver,
  projectId: string,
  options: { from?: string | undefined; to?: string | undefined; service?: string | undefined },
  now: number = Date.now(),
): Promise<IngestDiagnosticsResponse> {
  const window = resolveWindow(options.from, options.to, DEFAULT_TRACE_WINDOW_MS, now);
  const params = new SqlParams();
  const where = [projectAndWindow(params, projectId, window)];
  if (options.service !== undefined && options.service !== '') {
    where.push(`ServiceName = ${params.bind(options.service, 'String')}`);
  }
  const rows = await driver.query<{
    serviceName: string;
    convention: string;
    diagnostic: string;
    count: number;
    lastSeenNs: string;
  }>(
    `SELECT ServiceName AS serviceName, Convention AS convention,
        arrayJoin(if(empty(Diagnostics), [''], Diagnostics)) AS diagnostic,
        count() AS count, toString(max(StartNs)) AS lastSeenNs
      FROM (SELECT TraceId, SpanId, ServiceName, Convention, Diagnostics, toInt64(toUnixTimestamp64Nano(Timestamp)) AS StartNs
            FROM spans FINAL WHERE ${where.join(' AND ')})
      GROUP BY serviceName, convention, diagnostic
      ORDER BY serviceName, convention, count DESC, diagnostic
      LIMIT 1000`,
    params.values,
  );
  return {
    items: rows.map((row) => ({
      serviceName: row.serviceName,
      convention: String(row.convention),
      diagnostic: row.diagnostic,
      count: toNumber(row.count),
      lastSeen: nanosToIso(row.lastSeenNs),
    })),
  };
}
