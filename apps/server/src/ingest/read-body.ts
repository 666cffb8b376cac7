import { createGunzip } from 'node:zlib';

/** OTLP bodies are capped at 64 MiB after decompression (the limit the issue sets). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
  constructor(
    readonly limit: number,
    /** Bytes produced before reading stopped: proves a bomb was cut short rather than inflated. */
    readonly bytesSeen: number,
  ) {
    super(`request body exceeds ${limit} bytes after decompression`);
    this.name = 'BodyTooLargeError';
  }
}

export class BadEncodingError extends Error {
  readonly code = 'BAD_ENCODING';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BadEncodingError';
  }
}

/**
 * Reads a request body, inflating gzip as it streams and stopping the moment the inflated size
 * passes `limit`: a gzip bomb costs at most `limit` bytes of memory, never its full expansion.
 */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  encoding: 'gzip' | 'identity',
  limit = MAX_BODY_BYTES,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  if (encoding === 'identity') return readLimited(body, limit);
  return inflateLimited(body, limit);
}

async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit, total);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

function inflateLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    // Small output chunks bound the overshoot past `limit` when a bomb is cut off.
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const reader = body.getReader();
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reader.cancel().catch(() => undefined);
      reject(err);
    };
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) return fail(new BodyTooLargeError(limit, total));
      chunks.push(chunk);
    });
    gunzip.on('error', (err) => fail(new BadEncodingError(`invalid gzip body: ${err.message}`, { cause: err })));
    gunzip.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, total));
    });
    const pump = async (): Promise<void> => {
      let compressed = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (settled) return;
        if (done) {
          gunzip.end();
          return;
        }
        compressed += value.byteLength;
        if (compressed > limit) return fail(new BodyTooLargeError(limit, compressed));
        // Respect back-pressure so the inflater, not the socket, sets the pace.
        if (!gunzip.write(value)) await new Promise<void>((r) => {
            gunzip.once('drain', r);
            gunzip.once('close', r);
          });
      }
    };
    pump().catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
  });
}
