/** The request body is not a valid OTLP ExportTraceServiceRequest: the route answers 400. */
export class OtlpDecodeError extends Error {
  readonly code = 'OTLP_DECODE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OtlpDecodeError';
  }
}
