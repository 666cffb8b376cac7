import { StorageError } from '@sightline/storage';
import type { SpanRow } from '@sightline/contracts';
import type { SpanSink } from '../spool/sink.ts';

/**
 * A sink that can be switched off, to rehearse a ClickHouse outage with embedded chDB (the soak test
 * and durability tests). While paused every insert fails the way an unreachable server does.
 * Only wired when `SIGHTLINE_FAULT_INJECTION=1`.
 */
export interface PausableSink extends SpanSink {
  paused: boolean;
}

export function pausableSink(inner: SpanSink): PausableSink {
  const sink: PausableSink = {
    paused: false,
    async insert(rows: SpanRow[], token: string) {
      if (sink.paused) throw new StorageError('SERVER_UNREACHABLE', 'storage paused by fault injection');
      return inner.insert(rows, token);
    },
    isRejection: (err) => inner.isRejection(err),
  };
  return sink;
}
