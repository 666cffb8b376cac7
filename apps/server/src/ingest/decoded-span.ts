/**
 * The format-neutral shape both OTLP decoders (protobuf and JSON) produce and the normaliser reads.
 * Ids are lowercase hex; times are nanoseconds since the epoch as decimal strings (int64 does not fit
 * a JS number); attribute values keep their OTLP type.
 */

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | readonly AttributeValue[]
  | { readonly [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export interface DecodedEvent {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
}

export interface DecodedLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  events: DecodedEvent[];
  links: DecodedLink[];
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
}

export interface DecodedScopeSpans {
  scopeName: string;
  scopeVersion: string;
  spans: DecodedSpan[];
}

export interface DecodedResourceSpans {
  resourceAttributes: Attributes;
  scopeSpans: DecodedScopeSpans[];
}

/** A whole ExportTraceServiceRequest after decoding. */
export interface DecodedExportRequest {
  resourceSpans: DecodedResourceSpans[];
}

/**
 * Sets an attribute as an own property even when the key is `__proto__`: a plain assignment would
 * change the object's prototype instead, silently dropping the attribute (and letting a sender
 * reshape the object).
 */
export function setAttribute(into: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
}
