import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from './driver.ts';
import { migrate } from './migrate.ts';
import { createMigrationContext } from './migrations/context.ts';
import { openDriver } from './open-driver.ts';
import { otelCollectorBridgeStatements } from './otel-collector-bridge.ts';
import { nanosAgo } from './testing/span-fixtures.ts';

// The traces table as the OpenTelemetry Collector ClickHouse exporter creates it.
const OTEL_TRACES = `CREATE TABLE IF NOT EXISTS otel_traces (
  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  ParentSpanId String CODEC(ZSTD(1)),
  TraceState String CODEC(ZSTD(1)),
  SpanName LowCardinality(String) CODEC(ZSTD(1)),
  SpanKind LowCardinality(String) CODEC(ZSTD(1)),
  ServiceName LowCardinality(String) CODEC(ZSTD(1)),
  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  ScopeName String CODEC(ZSTD(1)),
  ScopeVersion String CODEC(ZSTD(1)),
  SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  Duration UInt64 CODEC(ZSTD(1)),
  StatusCode LowCardinality(String) CODEC(ZSTD(1)),
  StatusMessage String CODEC(ZSTD(1)),
  Events Nested (Timestamp DateTime64(9), Name LowCardinality(String), Attributes Map(LowCardinality(String), String)) CODEC(ZSTD(1)),
  Links Nested (TraceId String, SpanId String, TraceState String, Attributes Map(LowCardinality(String), String)) CODEC(ZSTD(1))
) ENGINE = MergeTree PARTITION BY toDate(Timestamp) ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))`;

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-otel-'));
let driver: Driver;
beforeAll(async () => {
  driver = await openDriver({ mode: 'embedded', dataDir, database: 'otel_bridge' });
  await migrate(driver, { retentionDays: 30 });
  await driver.command(OTEL_TRACES);
  for (const sql of otelCollectorBridgeStatements(createMigrationContext({ database: 'otel_bridge' }), { defaultProjectId: 'collector' })) {
    await driver.command(sql);
  }
});
afterAll(async () => {
  await driver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('OpenTelemetry Collector bridge', () => {
  it('copies otel_traces rows into spans with typed GenAI columns, and into the rollups', async () => {
    const ts = nanosAgo(30_000, 42);
    await driver.insert('otel_traces', [
      {
        Timestamp: ts,
        TraceId: 'a'.repeat(32),
        SpanId: 'b'.repeat(16),
        ParentSpanId: '',
        TraceState: '',
        SpanName: 'chat gpt-4.1',
        SpanKind: 'Client',
        ServiceName: 'collector-app',
        ResourceAttributes: { 'service.name': 'collector-app', 'sightline.project.id': 'proj_otel', 'deployment.environment.name': 'staging' },
        ScopeName: 'opentelemetry.instrumentation.openai',
        ScopeVersion: '0.1',
        SpanAttributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4.1',
          'gen_ai.response.model': 'gpt-4.1-2025-04-14',
          'gen_ai.usage.input_tokens': '1200',
          'gen_ai.usage.output_tokens': '80',
          'gen_ai.response.finish_reasons': '["stop"]',
          'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
          'user.id': 'u-7',
        },
        Duration: 2_000_000_000,
        StatusCode: 'Ok',
        StatusMessage: '',
        'Events.Timestamp': [ts],
        'Events.Name': ['gen_ai.choice'],
        'Events.Attributes': [{ index: '0' }],
        'Links.TraceId': [],
        'Links.SpanId': [],
        'Links.TraceState': [],
        'Links.Attributes': [],
      },
    ]);
    const [span] = await driver.query(
      `SELECT ProjectId, toString(toUnixTimestamp64Nano(Timestamp)) AS ts, SpanClass, Provider, RequestModel, ResponseModel,
         InputTokens, OutputTokens, FinishReasons, UserId, Environment, InputContent, CostSource, Convention, Events.Name AS events
       FROM spans WHERE TraceId = {t:String}`,
      { t: 'a'.repeat(32) },
    );
    expect(span).toEqual({
      ProjectId: 'proj_otel',
      ts,
      SpanClass: 'llm',
      Provider: 'openai',
      RequestModel: 'gpt-4.1',
      ResponseModel: 'gpt-4.1-2025-04-14',
      InputTokens: 1200,
      OutputTokens: 80,
      FinishReasons: ['stop'],
      UserId: 'u-7',
      Environment: 'staging',
      InputContent: '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
      CostSource: 'unpriced',
      Convention: 'otel-genai',
      events: ['gen_ai.choice'],
    });
    const [rollup] = await driver.query(
      `SELECT Model, sum(Calls) AS calls, sum(InputTokens) AS input FROM rollup_hourly WHERE ProjectId = 'proj_otel' GROUP BY Model`,
    );
    expect(rollup).toEqual({ Model: 'gpt-4.1-2025-04-14', calls: 1, input: 1200 });
  });
});
