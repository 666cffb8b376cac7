import protobuf from 'protobufjs/minimal.js';

/**
 * Bodies the OTLP/HTTP spec prescribes, in the request's own encoding: `ExportTraceServiceResponse`
 * (with `partial_success` when spans were rejected) for 200, `google.rpc.Status` for errors.
 */

export type OtlpFormat = 'protobuf' | 'json';

export const CONTENT_TYPE: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

export function exportResponse(format: OtlpFormat, partial: PartialSuccess | null): Uint8Array | string {
  if (format === 'json') {
    // proto3 JSON writes int64 as a string.
    return JSON.stringify(
      partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {},
    );
  }
  const w = protobuf.Writer.create();
  if (partial) {
    w.uint32((1 << 3) | 2).fork();
    w.uint32((1 << 3) | 0).int64(partial.rejectedSpans);
    if (partial.errorMessage) w.uint32((2 << 3) | 2).string(partial.errorMessage);
    w.ldelim();
  }
  return w.finish();
}

/** google.rpc.Code values used here. */
export const RPC_CODE = { invalidArgument: 3, resourceExhausted: 8, unavailable: 14, unauthenticated: 16 } as const;

export function rpcStatus(format: OtlpFormat, code: number, message: string): Uint8Array | string {
  if (format === 'json') return JSON.stringify({ code, message });
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 0).int32(code);
  w.uint32((2 << 3) | 2).string(message);
  return w.finish();
}
