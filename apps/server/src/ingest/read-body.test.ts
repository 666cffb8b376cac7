import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BadEncodingError, BodyTooLargeError, readBody } from './read-body.ts';

function stream(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });
}

describe('readBody', () => {
  it('returns identity bodies as sent and inflates gzip (also multi-member)', async () => {
    const a = Buffer.from('hello ');
    const b = Buffer.from('world');
    expect((await readBody(stream(a, b), 'identity')).toString()).toBe('hello world');
    const twoMembers = Buffer.concat([gzipSync(a), gzipSync(b)]);
    expect((await readBody(stream(twoMembers.subarray(0, 7), twoMembers.subarray(7)), 'gzip')).toString()).toBe('hello world');
  });

  it('stops inflating a gzip bomb just past the limit instead of expanding it', async () => {
    const limit = 1024 * 1024;
    // 64 MiB of zeros compress to ~64 KB: a 1000× expansion that must not be carried out.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const err = await readBody(stream(bomb), 'gzip', limit).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyTooLargeError);
    // At most one inflate chunk (64 KiB) beyond the limit was ever produced.
    expect((err as BodyTooLargeError).bytesSeen).toBeLessThanOrEqual(limit + 64 * 1024);
  });

  it('refuses an identity body over the limit while reading', async () => {
    const err = await readBody(stream(Buffer.alloc(600), Buffer.alloc(600)), 'identity', 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyTooLargeError);
  });

  it('reports corrupt gzip as a bad encoding', async () => {
    const gz = gzipSync(Buffer.from('some payload that is long enough'));
    gz.writeUInt8(gz.readUInt8(gz.length - 6) ^ 0xff, gz.length - 6); // breaks the CRC trailer
    await expect(readBody(stream(gz), 'gzip')).rejects.toBeInstanceOf(BadEncodingError);
    await expect(readBody(stream(Buffer.from('not gzip at all')), 'gzip')).rejects.toBeInstanceOf(BadEncodingError);
  });
});
