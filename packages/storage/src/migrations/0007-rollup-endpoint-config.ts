import { ATTR_SIGHTLINE_CONFIG_VERSION, ATTR_SIGHTLINE_ENDPOINT } from '@sightline/contracts/semconv';
import type { Migration } from './migration.ts';
import { aggregateProjection } from './0004-rollup-projections.ts';
import { ROLLUPS, ROLLUP_KEYS, rollupSelect } from './rollup-sql.ts';

/**
 * The endpoint a span served and its config version become rollup keys, so spend, failures and
 * latency can be charted, compared and alerted on per endpoint and per config version.
 *
 * Both are computed by ClickHouse at insert from the span's attributes (no change to the insert
 * format or the spool): the endpoint is `sightline.endpoint` (the SDK writes its local root's name
 * on every span), else a root span's own name, else ''. Spans of other instrumentations below the
 * root have no endpoint. Parts written before compute the values when read; rollup rows written
 * before keep '' (rebuildRollups recomputes an hour when asked).
 *
 * Queries that cut by either read a new aggregate projection, `by_endpoint` (every key but UserId).
 * `without_user` keeps its keys: the dashboards that cut by neither read it, as before, and it is
 * about a third of `by_endpoint`'s size when each service has a few endpoints (measured on the query
 * bench at 10M spans: model-level metrics and compare 14–60 % slower when they read a single
 * projection with the new keys). ClickHouse picks the smallest projection that can answer.
 *
 * Each statement can run again: ADD COLUMN IF NOT EXISTS and MODIFY ORDER BY are one atomic ALTER
 * (ClickHouse accepts the same ORDER BY again), MODIFY QUERY replaces the views' SELECT in place.
 */
export const rollupEndpointConfigMigration: Migration = {
  id: '0007-rollup-endpoint-config',
  description: 'spans.Endpoint and spans.ConfigVersion; both as rollup keys (views, ORDER BY, by_endpoint projection)',
  up: (ctx) => {
    const spans = ctx.localTable('spans');
    const statements = [
      `ALTER TABLE ${spans}${ctx.onCluster}
  ADD COLUMN IF NOT EXISTS Endpoint LowCardinality(String) MATERIALIZED coalesce(nullIf(SpanAttributes['${ATTR_SIGHTLINE_ENDPOINT}'], ''), if(ParentSpanId = '', SpanName, '')),
  ADD COLUMN IF NOT EXISTS ConfigVersion LowCardinality(String) MATERIALIZED SpanAttributes['${ATTR_SIGHTLINE_CONFIG_VERSION}']`,
    ];
    if (ctx.cluster !== undefined) {
      // A Distributed table keeps its own column list: it needs the columns as plain ones to read them.
      statements.push(`ALTER TABLE ${ctx.table('spans')}${ctx.onCluster} ADD COLUMN IF NOT EXISTS Endpoint LowCardinality(String), ADD COLUMN IF NOT EXISTS ConfigVersion LowCardinality(String)`);
    }
    for (const { table, bucket } of ROLLUPS) {
      const target = `${ctx.localTable(table)}${ctx.onCluster}`;
      statements.push(
        `ALTER TABLE ${target}
  ADD COLUMN IF NOT EXISTS Endpoint LowCardinality(String) AFTER ServiceTier,
  ADD COLUMN IF NOT EXISTS ConfigVersion LowCardinality(String) AFTER Endpoint,
  MODIFY ORDER BY (${ROLLUP_KEYS.join(', ')})`,
      );
      if (ctx.cluster !== undefined) {
        statements.push(`ALTER TABLE ${ctx.table(table)}${ctx.onCluster} ADD COLUMN IF NOT EXISTS Endpoint LowCardinality(String) AFTER ServiceTier, ADD COLUMN IF NOT EXISTS ConfigVersion LowCardinality(String) AFTER Endpoint`);
      }
      statements.push(
        `ALTER TABLE ${ctx.table(`${table}_mv`)}${ctx.onCluster} MODIFY QUERY
${rollupSelect(bucket, spans)}`,
        `ALTER TABLE ${target} ADD PROJECTION IF NOT EXISTS ${aggregateProjection('by_endpoint', ROLLUP_KEYS)}`,
        `ALTER TABLE ${target} MATERIALIZE PROJECTION by_endpoint SETTINGS mutations_sync = 2`,
      );
    }
    return statements;
  },
};
