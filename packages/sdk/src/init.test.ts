import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';
import { dropCounters } from './diagnostics.ts';
import { BoundedBatchProcessor } from './export/bounded-processor.ts';
import { flush, init, shutdown } from './init.ts';
import { wrapOpenAI } from './openai/wrap.ts';
import { withContext } from './scope.ts';
import { traceWorkflow } from './trace-steps.ts';
import { FakeLlmServer } from './test/fake-llm-server.ts';
import { chatCompletion, chatStream } from './test/fixtures.ts';
import { OtlpSink, type SinkMode } from './test/otlp-sink.ts';
import { wrapHandler } from './serverless.ts';

let llm: FakeLlmServer;
let sink: OtlpSink;
let openai: OpenAI;
const appErrors: unknown[] = [];
const onAppError = (e: unknown) => appErrors.push(e);

beforeAll(async () => {
  llm = await FakeLlmServer.start();
  sink = await OtlpSink.start();
  openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: `${llm.url}/v1`, maxRetries: 0 }));
  process.on('uncaughtException', onAppError);
  process.on('unhandledRejection', onAppError);
});
afterAll(async () => {
  process.off('uncaughtException', onAppError);
  process.off('unhandledRejection', onAppError);
  await llm.close();
  await sink.close();
});
afterEach(async () => {
  await shutdown();
  sink.received.length = 0;
  sink.mode = 'ok';
});

const messages = [{ role: 'user' as const, content: 'hello' }];

describe('init: export over OTLP/HTTP', () => {
  it.each(['http/protobuf', 'http/json'] as const)('exports spans of one trace with the API key as a bearer token and the resource attributes (%s)', async (protocol) => {
    init({ serviceName: 'svc-a', serviceVersion: '1.2.3', environment: 'test', endpoint: sink.url, apiKey: 'sl_live_secret', registerGlobal: false, protocol });
    llm.script('/v1/chat/completions', chatCompletion({ content: 'hi' }));
    await traceWorkflow('req', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages }));
    await flush();
    expect(sink.received[0]?.headers.authorization).toBe('Bearer sl_live_secret');
    expect(sink.received[0]?.headers['content-type']).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
    const resource = sink.resources()[0];
    expect(resource).toMatchObject({ 'service.name': 'svc-a', 'service.version': '1.2.3', 'deployment.environment.name': 'test' });
    const spans = sink.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'req']);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans.find((s) => s.name === 'chat gpt-4o-mini')?.attributes['gen_ai.usage.input_tokens']).toBe(120);
  });

  it.each<SinkMode>(['500', '413', 'garbage', 'slow'])('keeps the app unharmed when the collector answers %s', async (mode) => {
    sink.mode = mode;
    sink.slowMs = 1500;
    init({ endpoint: sink.url, registerGlobal: false, scheduledDelayMillis: 20 });
    llm.script('/v1/chat/completions', chatCompletion({ content: 'a' }), chatStream(['x', 'y'], { usage: true }));
    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const chunks: unknown[] = [];
    for await (const c of await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })) chunks.push(c);
    await flush();
    expect(res.choices[0]?.message.content).toBe('a');
    expect(chunks).toHaveLength(5);
    expect(sink.received.length).toBeGreaterThan(0);
    expect(appErrors).toEqual([]);
  });

  it('keeps the app unharmed when the collector is down', async () => {
    init({ endpoint: 'http://127.0.0.1:9', registerGlobal: false, scheduledDelayMillis: 20 });
    llm.script('/v1/chat/completions', chatCompletion({ content: 'ok' }));
    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await flush();
    expect(res.choices[0]?.message.content).toBe('ok');
    expect(dropCounters.exportFailures + dropCounters.spansDroppedByExporter).toBeGreaterThan(0);
    expect(appErrors).toEqual([]);
  });

  it('joins an OpenTelemetry SDK the app already registered instead of replacing it', async () => {
    const hostExporter = new InMemorySpanExporter();
    const host = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(hostExporter)] });
    host.register();
    try {
      init({ endpoint: sink.url });
      llm.script('/v1/chat/completions', chatCompletion({ content: 'hi' }));
      await trace.getTracer('app').startActiveSpan('http GET /chat', async (span) => {
        // A host span between the request and the call: the endpoint is still the request's.
        await trace.getTracer('app').startActiveSpan('middleware', async (inner) => {
          await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
          inner.end();
        });
        span.end();
      });
      await flush();
      expect((trace.getTracerProvider() as unknown as { getDelegate(): unknown }).getDelegate()).toBe(host);
      const hostNames = hostExporter.getFinishedSpans().map((s) => s.name);
      expect(hostNames).toContain('chat gpt-4o-mini');
      const exported = sink.spans();
      expect(exported.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'http GET /chat', 'middleware']);
      expect(exported.find((s) => s.name === 'chat gpt-4o-mini')?.attributes['sightline.endpoint']).toBe('http GET /chat');
      expect(new Set(exported.map((s) => s.traceId)).size).toBe(1);
    } finally {
      await shutdown();
      trace.disable();
      await host.shutdown();
    }
  });

  it('exports before a serverless handler returns', async () => {
    init({ endpoint: sink.url, registerGlobal: false, scheduledDelayMillis: 60_000, serverless: true });
    llm.script('/v1/chat/completions', chatCompletion({ content: 'fn' }));
    const handler = wrapHandler(async (q: string) => (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] })).id);
    expect(await handler('hi')).toBe('chatcmpl-1');
    expect(sink.spans().map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
  });
});

describe('memory bound', () => {
  it('drops and counts spans beyond the byte budget while the exporter is stuck', async () => {
    const held: Array<() => void> = [];
    let stuckNow = true;
    const stuck = {
      export: (_spans: unknown[], cb: (r: { code: number }) => void) => {
        if (stuckNow) held.push(() => cb({ code: 0 }));
        else cb({ code: 0 });
      },
      shutdown: async () => undefined,
    };
    const processor = new BoundedBatchProcessor(stuck, { maxQueueBytes: 200_000, maxExportBatchSize: 8, scheduledDelayMillis: 10, exportTimeoutMillis: 60_000 });
    init({ spanProcessor: processor, registerGlobal: false, validationWindowMs: 1 });
    const before = dropCounters.spansDroppedForMemory;
    const big = 'z'.repeat(20_000);
    for (let i = 0; i < 40; i++) {
      llm.script('/v1/chat/completions', chatCompletion({ content: big }));
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    }
    await new Promise((r) => setTimeout(r, 200)); // the validation window ends the last spans
    expect(processor.pendingBytes).toBeGreaterThan(100_000);
    expect(processor.pendingBytes).toBeLessThanOrEqual(200_000);
    expect(dropCounters.spansDroppedForMemory - before).toBeGreaterThan(20);
    stuckNow = false;
    for (const h of held) h();
    await flush();
    expect(processor.pendingBytes).toBe(0);
  });
});

describe('config version', () => {
  it("records init's config version on every LLM span, and a request's own from withContext over it", async () => {
    init({ endpoint: sink.url, registerGlobal: false, configVersion: 'rag-cfg-7' });
    llm.script('/v1/chat/completions', chatCompletion({ content: 'a' }), chatCompletion({ content: 'b' }));
    await traceWorkflow('default', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages }));
    await withContext({ configVersion: 8 }, () => traceWorkflow('experiment', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages })));
    await flush();
    const spans = sink.spans();
    const llmUnder = (root: string) => {
      const traceId = spans.find((s) => s.name === root)?.traceId;
      return spans.find((s) => s.traceId === traceId && s.name.startsWith('chat '));
    };
    expect(llmUnder('default')?.attributes['sightline.config.version']).toBe('rag-cfg-7');
    expect(llmUnder('experiment')?.attributes['sightline.config.version']).toBe('8');
    // Only LLM spans carry it: the workflow spans are the app's own steps.
    expect(spans.find((s) => s.name === 'default')?.attributes['sightline.config.version']).toBeUndefined();
  });

  it('reads SIGHTLINE_CONFIG_VERSION, the option first; blank means none', () => {
    expect(resolveConfig({}, { SIGHTLINE_CONFIG_VERSION: ' v3 ' }).config.configVersion).toBe('v3');
    expect(resolveConfig({ configVersion: 4 }, { SIGHTLINE_CONFIG_VERSION: 'v3' }).config.configVersion).toBe('4');
    expect(resolveConfig({}, { SIGHTLINE_CONFIG_VERSION: '  ' }).config.configVersion).toBeUndefined();
    expect(resolveConfig({}, {}).config.configVersion).toBeUndefined();
  });

  it('records none after shutdown (a later init starts clean)', async () => {
    init({ endpoint: sink.url, registerGlobal: false, configVersion: 'old' });
    await shutdown();
    init({ endpoint: sink.url, registerGlobal: false });
    llm.script('/v1/chat/completions', chatCompletion({ content: 'a' }));
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await flush();
    expect(sink.spans()[0]?.attributes['sightline.config.version']).toBeUndefined();
  });
});

describe('config', () => {
  it('reads the endpoint from SIGHTLINE_ENDPOINT, then the OTLP variables', () => {
    expect(resolveConfig({}, { SIGHTLINE_ENDPOINT: 'http://sl:8080' }).config.tracesUrl).toBe('http://sl:8080/v1/traces');
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' }).config.tracesUrl).toBe('http://c:4318/custom');
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }).config.tracesUrl).toBe('http://c:4318/v1/traces');
    expect(resolveConfig({ endpoint: 'http://x:1/v1/traces' }, {}).config.budgetStatusUrl).toBe('http://x:1/api/budgets/status');
  });

  it('turns content capture off from the GenAI env variable and names bad values', () => {
    expect(resolveConfig({}, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' }).config.captureContent).toBe(false);
    const { config, warnings } = resolveConfig({ sampleRate: 7, maxQueueBytes: -1 }, { SIGHTLINE_API_KEY: 'k' });
    expect(config.sampleRate).toBe(1);
    expect(config.headers.Authorization).toBe('Bearer k');
    expect(warnings.join('\n')).toMatch(/sampleRate[\s\S]*maxQueueBytes|maxQueueBytes[\s\S]*sampleRate/);
    expect(warnings.join('\n')).not.toContain('Bearer');
  });
});
