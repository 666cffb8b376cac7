import type { Attributes, DecodedEvent, DecodedResourceSpans, DecodedSpan } from '../ingest/decoded-span.ts';

// Test helpers: one span in a resource, with the ids and times a real exporter would send.
let counter = 0;

export const T0 = 1_761_998_400_000_000_000n; // 2025-11-01T12:00:00Z in ns

export function span(name: string, attributes: Attributes, extra: Partial<DecodedSpan> = {}): DecodedSpan {
  counter++;
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: (0x1000 + counter).toString(16).padStart(16, '0'),
    parentSpanId: '',
    traceState: '',
    name,
    kind: 3,
    startTimeUnixNano: T0.toString(),
    endTimeUnixNano: (T0 + 1_500_000_000n).toString(),
    attributes,
    events: [] as DecodedEvent[],
    links: [],
    statusCode: 0,
    statusMessage: '',
    ...extra,
  };
}

export function resourceSpans(spans: DecodedSpan[], scopeName = 'test-scope', resource: Attributes = {}): DecodedResourceSpans {
  return {
    resourceAttributes: { 'service.name': 'checkout-bot', 'service.version': '1.4.2', 'deployment.environment.name': 'prod', ...resource },
    scopeSpans: [{ scopeName, scopeVersion: '1.0.0', spans }],
  };
}
