import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRow } from '@sightline/contracts';
import { insertSpans, migrate, openDriver, type Driver } from '@sightline/storage';
import type { Clock } from './db.ts';

/** Shared by the alerts tests: a real chDB store in a fresh directory, spans, a fake clock, a receiver. */

export async function openTestStore(): Promise<{ driver: Driver; dataDir: string; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-alerts-'));
  const driver = await openDriver({ mode: 'embedded', dataDir });
  await migrate(driver);
  return {
    driver,
    dataDir,
    async close() {
      await driver.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export class FakeClock implements Clock {
  constructor(private t: Date) {}
  now(): Date {
    return new Date(this.t);
  }
  set(t: Date): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** An LLM span at `at` costing `costUsd`; any column can be overridden. */
export function llmSpan(at: Date, costUsd: number, overrides: Partial<SpanRow> = {}): SpanRow {
  return {
    ProjectId: 'proj_alerts',
    Timestamp: (BigInt(at.getTime()) * 1_000_000n).toString(),
    TraceId: randomBytes(16).toString('hex'),
    SpanId: randomBytes(8).toString('hex'),
    ParentSpanId: '',
    TraceState: '',
    SpanName: 'chat gpt-4o-mini',
    SpanKind: 'Client',
    ServiceName: 'checkout',
    ResourceAttributes: {},
    ScopeName: '@sightline/sdk',
    ScopeVersion: '0.1.0',
    SpanAttributes: {},
    Duration: 500_000_000,
    StatusCode: 'Ok',
    StatusMessage: '',
    Events: [],
    Links: [],
    SpanClass: 'llm',
    OperationName: 'chat',
    Provider: 'openai',
    RequestModel: 'gpt-4o-mini',
    ResponseModel: 'gpt-4o-mini',
    InputTokens: 100,
    OutputTokens: 20,
    CacheReadTokens: 0,
    CacheWriteTokens: 0,
    ReasoningTokens: 0,
    TtftMs: 120,
    FinishReasons: ['stop'],
    FailureClass: '',
    PromptName: 'help',
    PromptVersion: '1',
    UserId: 'user-1',
    SessionId: 's1',
    Environment: 'production',
    AppVersion: '1.0.0',
    ServiceTier: 'default',
    ToolName: '',
    Attempt: 1,
    ValidationStatus: '',
    InputContent: '[{"role":"user","content":"secret prompt text"}]',
    OutputContent: '[{"role":"assistant","content":"secret output text"}]',
    ContentTruncated: 0,
    CostNanos: Math.round(costUsd * 1e9),
    CostSource: 'priced',
    Convention: 'sightline',
    Diagnostics: [],
    ...overrides,
  };
}

export async function seed(driver: Driver, spans: SpanRow[]): Promise<void> {
  await insertSpans(driver, spans);
}

export interface ReceivedRequest {
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A real HTTP receiver on loopback. `respond` picks the status (and headers) per request, so tests
 * can script 500s, `Retry-After`, redirects or 410.
 */
export async function startReceiver(
  respond: (req: ReceivedRequest, index: number) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 }),
): Promise<{ url: string; requests: ReceivedRequest[]; close(): Promise<void> }> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const answer = respond(r, requests.length - 1);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
