import { assertIdentifier } from './config.ts';
import { sqlStringLiteral } from './driver.ts';
import type { MigrationContext } from './migrations/context.ts';

export interface OtelCollectorBridgeOptions {
  /** The Collector ClickHouse exporter's traces table, `otel_traces` by default (optionally `db.table`). */
  sourceTable?: string;
  /** Project for spans whose resource carries no `sightline.project.id`. */
  defaultProjectId: string;
}

const attr = (key: string): string => `SpanAttributes['${key}']`;
const firstOf = (...keys: string[]): string => `coalesce(${keys.map((k) => `nullIf(${attr(k)}, '')`).join(', ')}, '')`;

/**
 * DDL for a materialized view that copies every span the OpenTelemetry Collector's ClickHouse
 * exporter writes into `otel_traces` into Sightline's `spans`, deriving the typed LLM columns from
 * the GenAI attributes, so traces, rollups and alerts see Collector-fed spans too. Cost is left at 0
 * with CostSource 'unpriced' for the re-costing job to fill in.
 *
 * The exporter retries without a de-duplication token, so a batch it retries after a lost
 * acknowledgement can reach the rollups twice (raw reads still collapse it); prefer sending OTLP to
 * Sightline's own endpoint when exact rollups matter.
 */
export function otelCollectorBridgeStatements(ctx: MigrationContext, opts: OtelCollectorBridgeOptions): string[] {
  const source = (opts.sourceTable ?? 'otel_traces').split('.').map((part) => `\`${assertIdentifier(part, 'source table')}\``).join('.');
  const project = sqlStringLiteral(opts.defaultProjectId);
  const op = firstOf('gen_ai.operation.name');
  const model = firstOf('gen_ai.request.model');
  const tokens = (...keys: string[]): string => `toUInt64OrZero(${firstOf(...keys)})`;
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${ctx.table('spans_from_otel_traces')}${ctx.onCluster}
TO ${ctx.localTable('spans')} AS
SELECT
  coalesce(nullIf(ResourceAttributes['sightline.project.id'], ''), ${project}) AS ProjectId,
  toDateTime64(Timestamp, 9, 'UTC') AS Timestamp,
  TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
  ScopeName, ScopeVersion, SpanAttributes, toUInt64(Duration) AS Duration, StatusCode, StatusMessage,
  Events.Timestamp, Events.Name, Events.Attributes,
  Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes,
  multiIf(${op} IN ('chat', 'text_completion', 'generate_content'), 'llm', ${op} = 'embeddings', 'embedding',
    ${op} = 'execute_tool', 'tool', ${op} = 'retrieval', 'retrieval', ${op} IN ('invoke_agent', 'create_agent'), 'agent',
    ${op} = 'workflow', 'workflow', 'other') AS SpanClass,
  ${op} AS OperationName,
  ${firstOf('gen_ai.provider.name', 'gen_ai.system')} AS Provider,
  ${model} AS RequestModel,
  ${firstOf('gen_ai.response.model')} AS ResponseModel,
  ${tokens('gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens')} AS InputTokens,
  ${tokens('gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens')} AS OutputTokens,
  ${tokens('gen_ai.usage.cache_read.input_tokens')} AS CacheReadTokens,
  ${tokens('gen_ai.usage.cache_creation.input_tokens')} AS CacheWriteTokens,
  ${tokens('gen_ai.usage.reasoning.output_tokens')} AS ReasoningTokens,
  toFloat64OrNull(${attr('gen_ai.response.time_to_first_chunk')}) * 1000 AS TtftMs,
  JSONExtract(${firstOf('gen_ai.response.finish_reasons')}, 'Array(String)') AS FinishReasons,
  if(StatusCode = 'Error', 'other', '') AS FailureClass,
  ${firstOf('sightline.prompt.name')} AS PromptName,
  ${firstOf('sightline.prompt.version')} AS PromptVersion,
  ${firstOf('sightline.user.id', 'user.id')} AS UserId,
  ${firstOf('sightline.session.id', 'session.id', 'gen_ai.conversation.id')} AS SessionId,
  coalesce(nullIf(ResourceAttributes['deployment.environment.name'], ''), ResourceAttributes['deployment.environment']) AS Environment,
  ResourceAttributes['service.version'] AS AppVersion,
  ${firstOf('openai.response.service_tier', 'openai.request.service_tier')} AS ServiceTier,
  ${firstOf('gen_ai.tool.name')} AS ToolName,
  toUInt32OrZero(${firstOf('sightline.attempt')}) AS Attempt,
  ${firstOf('sightline.validation.status')} AS ValidationStatus,
  ${firstOf('gen_ai.input.messages', 'gen_ai.tool.call.arguments', 'sightline.retrieval.query')} AS InputContent,
  ${firstOf('gen_ai.output.messages', 'gen_ai.tool.call.result', 'sightline.retrieval.documents')} AS OutputContent,
  0 AS ContentTruncated,
  toInt64(0) AS CostNanos,
  if(RequestModel != '', 'unpriced', '') AS CostSource,
  multiIf(${attr('sightline.sdk.version')} != '', 'sightline', ${op} != '', 'otel-genai', ${attr('gen_ai.system')} != '', 'otel-genai-deprecated', 'unknown') AS Convention,
  CAST([], 'Array(String)') AS Diagnostics
FROM ${source}`,
  ];
}
