import type { SpanRow } from '@sightline/contracts';
import { ATTR_SIGHTLINE_ENDPOINT } from '@sightline/contracts/semconv';
import type { DecodedExportRequest, DecodedResourceSpans, DecodedScopeSpans } from './decoded-span.ts';
import type { IngestMetrics } from '../ops/metrics.ts';
import { errorMessage, type Logger } from '../ops/log.ts';

export interface RejectedSpan {
  spanId: string;
  reason: string;
}

/** The normaliser's contract (apps/server/src/normalise, owned by the cost part). */
export type Normaliser = (rs: DecodedResourceSpans, ctx: { projectId: string }) => { rows: SpanRow[]; rejected: RejectedSpan[] };

export interface RowsResult {
  rows: SpanRow[];
  received: number;
  rejected: RejectedSpan[];
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Validates identity fields (the OTLP spec makes all-zero or mis-sized ids invalid) and hands
 * the valid spans to the normaliser. An invalid span is rejected alone; the rest of the request is
 * kept. A normaliser failure on one resource rejects that resource's spans, never the request.
 */
export function toRows(req: DecodedExportRequest, projectId: string, normalise: Normaliser, metrics: IngestMetrics, logger: Logger): RowsResult {
  const rows: SpanRow[] = [];
  const rejected: RejectedSpan[] = [];
  let received = 0;
  // Counted per request, not per span: a labelled counter update costs more than the rest of the loop.
  const byConvention = new Map<string, number>();
  let diagnostics = 0;
  for (const rs of req.resourceSpans) {
    const scopeSpans: DecodedScopeSpans[] = [];
    let valid = 0;
    for (const ss of rs.scopeSpans) {
      const spans = ss.spans.filter((s) => {
        received += 1;
        const reason = invalidReason(s.traceId, s.spanId, s.parentSpanId, s.startTimeUnixNano, s.endTimeUnixNano);
        if (reason) rejected.push({ spanId: s.spanId, reason });
        return reason === null;
      });
      valid += spans.length;
      scopeSpans.push({ ...ss, spans });
    }
    if (valid === 0) continue;
    try {
      const out = normalise({ resourceAttributes: rs.resourceAttributes, scopeSpans }, { projectId });
      for (const row of out.rows) {
        byConvention.set(row.Convention, (byConvention.get(row.Convention) ?? 0) + 1);
        diagnostics += row.Diagnostics.length;
        rows.push(row);
      }
      rejected.push(...out.rejected);
    } catch (err) {
      logger.log('error', 'ingest.normalise_failed', { error: errorMessage(err), spans: valid });
      for (const ss of scopeSpans) for (const s of ss.spans) rejected.push({ spanId: s.spanId, reason: 'internal error while normalising' });
    }
  }
  nameEndpoints(rows);
  for (const [convention, n] of byConvention) metrics.convention(n, { convention });
  if (diagnostics > 0) metrics.diagnostics(diagnostics);
  return { rows, received, rejected };
}

/**
 * The SDK names each span's endpoint (`sightline.endpoint`: its local root's name); other
 * instrumentations do not. When a span's root, of the same service, is in the same export request
 * (most requests that finish within the exporter's batch delay), the span is given its root's name
 * here, before it is encoded, so its spend reaches the endpoint's rollups too. Others keep none.
 */
function nameEndpoints(rows: SpanRow[]): void {
  let roots: Map<string, string> | undefined;
  for (const row of rows) {
    if (row.ParentSpanId === '' && row.SpanName !== '') (roots ??= new Map()).set(`${row.ServiceName}\n${row.TraceId}`, row.SpanName);
  }
  if (roots === undefined) return;
  for (const row of rows) {
    if (row.ParentSpanId === '' || row.SpanAttributes[ATTR_SIGHTLINE_ENDPOINT] !== undefined) continue;
    const name = roots.get(`${row.ServiceName}\n${row.TraceId}`);
    if (name !== undefined) row.SpanAttributes[ATTR_SIGHTLINE_ENDPOINT] = name;
  }
}

function invalidReason(traceId: string, spanId: string, parentSpanId: string, start: string, end: string): string | null {
  if (!TRACE_ID.test(traceId) || traceId === ZERO_TRACE) return `invalid trace id "${traceId.slice(0, 64)}"`;
  if (!SPAN_ID.test(spanId) || spanId === ZERO_SPAN) return `invalid span id "${spanId.slice(0, 32)}"`;
  if (parentSpanId !== '' && !SPAN_ID.test(parentSpanId)) return `invalid parent span id "${parentSpanId.slice(0, 32)}"`;
  if (start.length > 19 || end.length > 19) return 'timestamp out of range';
  return null;
}
