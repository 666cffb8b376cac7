// Reads `partial_success` from an ExportTraceServiceResponse, in protobuf or (from collectors that
// answer JSON whatever was sent) proto3 JSON. Anything else is an error for the caller to report.

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

function varint(buf: Buffer, at: { i: number }): number {
  let result = 0;
  let mul = 1;
  for (let n = 0; n < 10; n++) {
    if (at.i >= buf.length) throw new Error('truncated varint');
    const b = buf[at.i++] as number;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 0x80;
  }
  throw new Error('varint too long');
}

function skip(buf: Buffer, at: { i: number }, wire: number): void {
  if (wire === 0) varint(buf, at);
  else if (wire === 1) at.i += 8;
  else if (wire === 2) at.i += varint(buf, at);
  else if (wire === 5) at.i += 4;
  else throw new Error(`unexpected wire type ${wire}`);
  if (at.i > buf.length) throw new Error('truncated field');
}

function fromProtobuf(buf: Buffer): PartialSuccess | undefined {
  const at = { i: 0 };
  let partial: PartialSuccess | undefined;
  while (at.i < buf.length) {
    const tag = varint(buf, at);
    if (tag !== ((1 << 3) | 2)) {
      skip(buf, at, tag & 7);
      continue;
    }
    const end = at.i + varint(buf, at);
    if (end > buf.length) throw new Error('truncated partial_success');
    partial = { rejectedSpans: 0, errorMessage: '' };
    while (at.i < end) {
      const t = varint(buf, at);
      if (t === ((1 << 3) | 0)) partial.rejectedSpans = varint(buf, at);
      else if (t === ((2 << 3) | 2)) {
        const len = varint(buf, at);
        partial.errorMessage = buf.toString('utf8', at.i, at.i + len);
        at.i += len;
      } else skip(buf, at, t & 7);
    }
  }
  return partial;
}

/** The response's partial success, or undefined when it has none (a full success). */
export function readPartialSuccess(body: Buffer, contentType: string): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  if (contentType.includes('json')) {
    const json = JSON.parse(body.toString('utf8')) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    const p = json.partialSuccess;
    if (!p) return undefined;
    return { rejectedSpans: Number(p.rejectedSpans ?? 0) || 0, errorMessage: String(p.errorMessage ?? '') };
  }
  return fromProtobuf(body);
}
