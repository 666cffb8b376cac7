import { ATTR_SIGHTLINE_CALL_KEY } from '@sightline/contracts/semconv';
import type { Migration } from './migration.ts';

/**
 * Narrow columns the query API groups on, computed by ClickHouse at insert: the retry-loop list
 * compares prompts by hash and calls by `sightline.call.key`, and without these it would read
 * every prompt (~KBs a span) and every attribute map of the window. Parts written before this
 * migration compute the values when read, as fast as before; new parts store them.
 */
export const queryColumnsMigration: Migration = {
  id: '0400-query-columns',
  description: 'spans.InputHash and spans.CallKey materialized for retry-loop detection',
  up: (ctx) => {
    const columns = [
      'InputHash UInt64 MATERIALIZED cityHash64(InputContent) CODEC(ZSTD(1))',
      // A constant of ours, not request text; semconv is the single spelling of the key.
      `CallKey String MATERIALIZED SpanAttributes['${ATTR_SIGHTLINE_CALL_KEY}'] CODEC(ZSTD(1))`,
    ];
    const statements = columns.map((column) => `ALTER TABLE ${ctx.localTable('spans')}${ctx.onCluster} ADD COLUMN IF NOT EXISTS ${column}`);
    if (ctx.cluster !== undefined) {
      // The Distributed table keeps its own column list: it needs the columns as plain ones to read them.
      statements.push(
        `ALTER TABLE ${ctx.table('spans')}${ctx.onCluster} ADD COLUMN IF NOT EXISTS InputHash UInt64`,
        `ALTER TABLE ${ctx.table('spans')}${ctx.onCluster} ADD COLUMN IF NOT EXISTS CallKey String`,
      );
    }
    return statements;
  },
};
