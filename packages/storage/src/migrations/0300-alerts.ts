/**
 * Alerts, webhooks and budgets (issue 7). Mutable things (rules, states, webhooks, outbox messages,
 * budgets) are ReplacingMergeTree rows: a change inserts a new Version and readers take `FINAL`, as
 * ClickHouse has no cheap row update. History (alert events, delivery attempts) is append-only.
 * Secrets of webhooks are stored as they are: signing needs them (unlike API keys, which are hashed).
 * TTLs keep the tables that are read with FINAL on every scheduler pass small: the outbox forgets
 * messages a month after creation (retries end within two days), states of groups not evaluated for
 * a month go (a group that resolved is not rewritten, so it ages out).
 */
import type { MigrationContext } from './context.ts';
import type { Migration } from './migration.ts';

const ddl = (ctx: MigrationContext): string[] => [
  `CREATE TABLE IF NOT EXISTS ${ctx.table('alert_rules')}${ctx.onCluster} (
    ProjectId LowCardinality(String),
    Id String,
    Name String,
    Spec String CODEC(ZSTD(1)),
    Source LowCardinality(String),
    CreatedAt DateTime64(3, 'UTC'),
    UpdatedAt DateTime64(3, 'UTC'),
    Deleted UInt8 DEFAULT 0,
    Version UInt64
  ) ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')} ORDER BY (ProjectId, Id)`,
  `CREATE TABLE IF NOT EXISTS ${ctx.table('alert_states')}${ctx.onCluster} (
    ProjectId LowCardinality(String),
    RuleId String,
    GroupKey String,
    State LowCardinality(String),
    Value Nullable(Float64),
    Since DateTime64(3, 'UTC'),
    LastEvaluatedAt DateTime64(3, 'UTC'),
    LastNotifiedAt Nullable(DateTime64(3, 'UTC')),
    Version UInt64
  ) ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')} ORDER BY (ProjectId, RuleId, GroupKey)
    TTL toDateTime(LastEvaluatedAt) + INTERVAL 30 DAY`,
  `CREATE TABLE IF NOT EXISTS ${ctx.table('alert_events')}${ctx.onCluster} (
    ProjectId LowCardinality(String),
    Id String,
    RuleId String,
    RuleName String,
    GroupKey String,
    Kind LowCardinality(String),
    Value Nullable(Float64),
    Threshold Float64,
    At DateTime64(3, 'UTC'),
    MessageIds Array(String)
  ) ENGINE = ${ctx.engine('MergeTree')} ORDER BY (ProjectId, At, Id) TTL toDateTime(At) + INTERVAL 400 DAY`,
  `CREATE TABLE IF NOT EXISTS ${ctx.table('webhooks')}${ctx.onCluster} (
    ProjectId LowCardinality(String),
    Id String,
    Name String,
    Type LowCardinality(String),
    Url String,
    Secret String,
    PreviousSecret String,
    PreviousSecretExpiresAt Nullable(DateTime64(3, 'UTC')),
    Enabled UInt8,
    DisabledReason String,
    Source LowCardinality(String),
    CreatedAt DateTime64(3, 'UTC'),
    UpdatedAt DateTime64(3, 'UTC'),
    Deleted UInt8 DEFAULT 0,
    Version UInt64
  ) ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')} ORDER BY (ProjectId, Id)`,
  `CREATE TABLE IF NOT EXISTS ${ctx.table('webhook_outbox')}${ctx.onCluster} (
    ProjectId LowCardinality(String),
    Id String,
    WebhookId String,
    EventType LowCardinality(String),
    Body String CODEC(ZSTD(1)),
    State LowCardinality(String),
    Attempts UInt32,
    NextAttemptAt Nullable(DateTime64(3, 'UTC')),
    CreatedAt DateTime64(3, 'UTC'),
    Version UInt64
  ) ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')} ORDER BY (ProjectId, Id)
    TTL toDateTime(CreatedAt) + INTERVAL 30 DAY`,
  `CREATE TABLE IF NOT EXISTS ${ctx.table('webhook_deliveries')}${ctx.onCluster} (
    ProjectId LowCardinality(String),
    Id String,
    MessageId String,
    WebhookId String,
    EventType LowCardinality(String),
    Attempt UInt32,
    At DateTime64(3, 'UTC'),
    StatusCode Nullable(UInt16),
    Outcome LowCardinality(String),
    Error String,
    DurationMs UInt32
  ) ENGINE = ${ctx.engine('MergeTree')} ORDER BY (ProjectId, WebhookId, At, Id) TTL toDateTime(At) + INTERVAL 90 DAY`,
  `CREATE TABLE IF NOT EXISTS ${ctx.table('budgets')}${ctx.onCluster} (
    ProjectId LowCardinality(String),
    Id String,
    Name String,
    Scope LowCardinality(String),
    UserId String,
    LimitUsd Float64,
    BudgetWindow LowCardinality(String),
    RollingHours UInt32,
    CreatedAt DateTime64(3, 'UTC'),
    UpdatedAt DateTime64(3, 'UTC'),
    Deleted UInt8 DEFAULT 0,
    Version UInt64
  ) ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')} ORDER BY (ProjectId, Id)`,
];

/** Small metadata tables: replicated to every node in cluster mode, never sharded. */
export const alertsMigration: Migration = {
  id: '0300-alerts',
  description: 'alert rules, states and events; webhooks, their outbox and delivery log; budgets',
  up: ddl,
};

/**
 * One row naming the server that runs the alert scheduler and the outbox, so servers sharing a
 * ClickHouse do not each evaluate and notify. Holders renew it on every pass; another takes over
 * once it lapses.
 */
export const alertsLeaseMigration: Migration = {
  id: '0301-alerts-lease',
  description: 'alert_scheduler_lease: which server runs the alert scheduler',
  up: (ctx) => [
    `CREATE TABLE IF NOT EXISTS ${ctx.table('alert_scheduler_lease')}${ctx.onCluster} (
    Id String,
    Holder String,
    ExpiresAt DateTime64(3, 'UTC'),
    Version UInt64
  ) ENGINE = ${ctx.engine('ReplacingMergeTree(Version)')} ORDER BY Id`,
  ],
};
