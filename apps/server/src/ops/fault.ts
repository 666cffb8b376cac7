import { StorageError, type EncodedSpan } from '@sightline/storage';
import type { SpanSink } from '../spool/sink.ts';

/**
 * A sink that can be switched off, to rehearse a ClickHouse outage with embedded chDB (the soak test
 * and durability tests). While paused every insert fails the way an unreachable server does.
 * Only wired when `SIGHTLINE_FAULT_INJECTION=1`.
 */
export interface PausableSink extends SpanSink {
  /** Every insert fails as if ClickHouse were unreachable. */
  paused: boolean;
  /** Every insert is held this long before it runs: a slow, overloaded ClickHouse. */
  delayMs: number;
}

export function pausableSink(inner: SpanSink): PausableSink {
  const sink: PausableSink = {
    paused: false,
    delayMs: 0,
    async insert(rows: EncodedSpan[], token: string) {
      if (sink.paused) throw new StorageError('SERVER_UNREACHABLE', 'storage paused by fault injection');
      if (sink.delayMs > 0) await new Promise((r) => setTimeout(r, sink.delayMs));
      return inner.insert(rows, token);
    },
    isRejection: (err) => inner.isRejection(err),
  };
  return sink;
}
