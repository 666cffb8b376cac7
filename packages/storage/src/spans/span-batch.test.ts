import { describe, expect, it } from 'vitest';
import { makeSpanRow } from '../queries/span-row-fixture.ts';
import { encodeSpan, joinLines } from './encoded-span.ts';
import { pooledBufferCount } from './payload-buffers.ts';
import { encodeSpanBatch, spanPayload } from './span-batch.ts';

const rows = (n: number, content = 'hi "there"\n é 😀') =>
  Array.from({ length: n }, (_, i) => makeSpanRow({ ProjectId: 'p_batch', TraceId: 'a'.repeat(32), SpanId: `${i}`.padStart(16, '0'), InputContent: `${content} ${i}` }));

describe('encodeSpanBatch and spanPayload', () => {
  it('encode each span to the same line as encodeSpan, with the same identity fields', () => {
    const input = rows(50);
    const batch = encodeSpanBatch(input);
    try {
      expect(batch.spans.map((s) => s.line.toString('utf8'))).toEqual(input.map((r) => encodeSpan(r).line.toString('utf8')));
      expect(batch.spans[7]).toMatchObject({ projectId: input[7]?.ProjectId, traceId: input[7]?.TraceId, spanId: input[7]?.SpanId, timestamp: input[7]?.Timestamp });
    } finally {
      batch.release();
    }
  });

  it('pass a whole batch on as the payload without copying, and copy the survivors when spans are dropped', () => {
    const batch = encodeSpanBatch(rows(20));
    try {
      const whole = spanPayload(batch.spans);
      expect(whole.payload.buffer).toBe(batch.spans[0]?.line.buffer);
      expect(whole.payload.equals(joinLines(batch.spans))).toBe(true);
      const survivors = batch.spans.filter((_, i) => i % 3 !== 1);
      const some = spanPayload(survivors);
      expect(some.payload.buffer).not.toBe(batch.spans[0]?.line.buffer);
      expect(some.payload.toString('utf8')).toBe(joinLines(survivors).toString('utf8'));
      some.release();
    } finally {
      batch.release();
    }
  });

  it('copy lines that are not back to back (spans encoded one at a time)', () => {
    const spans = rows(5).map(encodeSpan);
    const { payload, release } = spanPayload(spans);
    expect(payload.equals(joinLines(spans))).toBe(true);
    release();
  });

  it('grow past the size guess when spans are far larger than the last batch, keeping every byte', () => {
    encodeSpanBatch(rows(10)).release(); // small spans: the next guess is small
    const big = rows(30, 'ü'.repeat(200_000));
    const batch = encodeSpanBatch(big);
    try {
      expect(batch.spans.map((s) => s.line.toString('utf8'))).toEqual(big.map((r) => encodeSpan(r).line.toString('utf8')));
      expect(spanPayload(batch.spans).payload.buffer).toBe(batch.spans[0]?.line.buffer);
    } finally {
      batch.release();
    }
  });

  it('reuse a released buffer for the next batch, which then holds only its own lines', () => {
    const first = encodeSpanBatch(rows(10, 'first'));
    first.release();
    first.release(); // a second release is harmless
    const pooled = pooledBufferCount();
    expect(pooled).toBeGreaterThan(0);
    const second = encodeSpanBatch(rows(10, 'second'));
    try {
      expect(pooledBufferCount()).toBe(pooled - 1);
      expect(spanPayload(second.spans).payload.toString('utf8')).not.toContain('first');
    } finally {
      second.release();
    }
  });
});
