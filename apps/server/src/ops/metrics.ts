/**
 * A small Prometheus registry: counters and gauges with optional labels, rendered in the text
 * exposition format (version 0.0.4). Names follow Prometheus conventions (`_total` on counters).
 */

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, number>;
  collect?: () => number;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string): (by?: number, labels?: Labels) => void {
    const fam = this.family(name, help, 'counter');
    return (by = 1, labels) => {
      const key = labelKey(labels);
      fam.values.set(key, (fam.values.get(key) ?? 0) + by);
    };
  }

  /** A gauge read at scrape time, so it is never stale. */
  gauge(name: string, help: string, collect: () => number): void {
    this.family(name, help, 'gauge').collect = collect;
  }

  /** Current value of a counter (all label sets summed); for tests and the soak report. */
  value(name: string, labels?: Labels): number {
    const fam = this.families.get(name);
    if (!fam) return 0;
    if (fam.collect) return fam.collect();
    if (labels) return fam.values.get(labelKey(labels)) ?? 0;
    let sum = 0;
    for (const v of fam.values.values()) sum += v;
    return sum;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, fam] of this.families) {
      lines.push(`# HELP ${name} ${fam.help}`, `# TYPE ${name} ${fam.type}`);
      if (fam.collect) lines.push(`${name} ${fam.collect()}`);
      else if (fam.values.size === 0) lines.push(`${name} 0`);
      else for (const [key, v] of fam.values) lines.push(`${name}${key} ${v}`);
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string, help: string, type: Family['type']): Family {
    let fam = this.families.get(name);
    if (!fam) {
      fam = { help, type, values: new Map() };
      this.families.set(name, fam);
    }
    return fam;
  }
}

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** The server's own metric families, created once so every part counts into the same names. */
export function createIngestMetrics(metrics: Metrics) {
  return {
    received: metrics.counter('sightline_spans_received_total', 'Spans received on /v1/traces.'),
    rejected: metrics.counter('sightline_spans_rejected_total', 'Spans rejected at ingest (returned as partial_success).'),
    stored: metrics.counter('sightline_spans_stored_total', 'Span rows committed to ClickHouse.'),
    spooled: metrics.counter('sightline_spans_spooled_total', 'Span rows written to the on-disk spool.'),
    deduplicated: metrics.counter('sightline_spans_deduplicated_total', 'Repeated spans dropped before storage.'),
    deadLettered: metrics.counter('sightline_spans_dead_lettered_total', 'Span rows ClickHouse refused, kept in the dead-letter file.'),
    requests: metrics.counter('sightline_ingest_requests_total', 'OTLP export requests by HTTP status.'),
    convention: metrics.counter('sightline_spans_by_convention_total', 'Spans by the instrumentation convention recognised.'),
    diagnostics: metrics.counter('sightline_span_diagnostics_total', 'Ingest diagnostics attached to spans.'),
  };
}
export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
