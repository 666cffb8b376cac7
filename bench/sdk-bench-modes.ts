import { SpanKind, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import type * as Sightline from '@sightline/sdk';

export type Mode = 'unwrapped' | 'bare-otel' | 'bare-otel-again' | 'sightline' | 'sightline-noexport' | 'openllmetry' | 'openinference' | 'langfuse';

export interface Workload {
  call(): Promise<unknown>;
  flush(): Promise<void>;
}

// ~2 KB of prompt: a system prompt and a user turn carrying retrieved context.
const SYSTEM = 'You are a careful financial analyst. Answer with evidence from the context only. '.repeat(6);
const USER = `Context:\n${'Revenue for Q3 was 12.4M, up 8% year on year, driven by renewals in the enterprise tier. '.repeat(16)}\nQuestion: why did revenue grow?`;
export const MESSAGES = [
  { role: 'system' as const, content: SYSTEM },
  { role: 'user' as const, content: USER },
];

/** The measured call: the ~2 KB chat completion, plain or streamed to the end; returns the answer's text. */
export async function chatCall(client: OpenAI, stream: boolean, messages: typeof MESSAGES = MESSAGES): Promise<string> {
  const params = { model: 'gpt-4o-mini', messages, temperature: 0.2, max_tokens: 600 };
  if (!stream) {
    const res = await client.chat.completions.create(params);
    return res.choices[0]?.message.content ?? '';
  }
  const s = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
  let text = '';
  for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

const drive = chatCall;

interface ModeConfig {
  stream: boolean;
  sinkUrl: string;
}

/** One instrumentation set-up: `make` turns a client into the call to measure. */
/**
 * The reference of the figures: one hand-made span around the call, with the same attributes
 * Sightline records (content as GenAI JSON messages, usage, response model). Shared by every SDK bench.
 */
export async function bareSpanAround(
  tracer: Tracer,
  messages: readonly { role: string; content: string }[],
  call: () => Promise<string>,
): Promise<void> {
  const span = tracer.startSpan('chat gpt-4o-mini', {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.temperature': 0.2, 'gen_ai.request.max_tokens': 600 },
  });
  const text = await call();
  span.setAttributes({
    'gen_ai.input.messages': JSON.stringify(messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))),
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: 'stop' }]),
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.response.id': 'chatcmpl-bench',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 520,
    'gen_ai.usage.output_tokens': 480,
    'gen_ai.usage.cache_read.input_tokens': 256,
    'server.address': '127.0.0.1',
  });
  span.end();
}

/**
 * An exporter that discards its spans at once. It makes no request, so like the SDK's own exporter
 * it is an untraced transport: the SDK calls it without a suppress-tracing context (which would
 * turn on async hooks for the whole process).
 */
export const discardingExporter = {
  export: (_spans: unknown[], cb: (r: { code: number }) => void) => cb({ code: 0 }),
  shutdown: async () => undefined,
  untracedTransport: true as const,
};

/** Yields to the event loop once (between calls: the SDK ends spans on a later turn, as in an app). */
export const nextTurn = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

type Gc = (options?: { type: 'major' | 'minor'; execution: 'sync' | 'async' }) => void;
const gc: Gc | undefined = (globalThis as { gc?: Gc }).gc;

/**
 * One measured block of `calls` calls, then `flush` (export included): CPU µs per call in the call
 * (until it returns to the caller) and in total (what runs after it, the flush included). Under
 * `node --expose-gc` the block ends with a young-generation collection, so its garbage is charged
 * to it and not to the next block (as in sdk-bench-worker.ts).
 */
export async function measureBlock(call: () => Promise<unknown>, flush: () => Promise<unknown>, calls: number): Promise<{ inCall: number; total: number }> {
  let inCall = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const c = process.cpuUsage();
    await call();
    const d = process.cpuUsage(c);
    inCall += d.user + d.system;
    await nextTurn();
  }
  await flush();
  gc?.({ type: 'minor', execution: 'sync' });
  const d = process.cpuUsage(cpu0);
  return { inCall: inCall / calls, total: (d.user + d.system) / calls };
}

/** The median (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return ((s[Math.floor((s.length - 1) / 2)] ?? NaN) + (s[Math.floor(s.length / 2)] ?? NaN)) / 2;
}

export interface ModeSetup {
  make(client: OpenAI): () => Promise<unknown>;
  flush(): Promise<void>;
}

/** Builds one way of making the ~2 KB chat call, and the flush that exports what it recorded. */
export async function setupMode(mode: Mode, cfg: ModeConfig): Promise<ModeSetup> {
  const traces = `${cfg.sinkUrl}/v1/traces`;
  const plain = (c: OpenAI) => () => drive(c, cfg.stream);
  switch (mode) {
    case 'unwrapped':
      return { make: plain, flush: async () => undefined };
    case 'bare-otel':
    case 'bare-otel-again': {
      // The reference: one hand-made span with the same attributes, stock batch processor + exporter,
      // registered like any OTel app (async context manager included, as Sightline and the peers have).
      const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: traces }))] });
      provider.register();
      const tracer = provider.getTracer('bench');
      return {
        make: (c) => async () => {
          await bareSpanAround(tracer, MESSAGES, () => drive(c, cfg.stream));
        },
        flush: () => provider.forceFlush(),
      };
    }
    case 'sightline':
    case 'sightline-noexport': {
      // SDK_BENCH_SDK: another copy of the SDK's source (A/B across processes).
      const sdk = (await import(process.env.SDK_BENCH_SDK ?? '@sightline/sdk')) as typeof Sightline;
      const exporter = mode === 'sightline-noexport' ? discardingExporter : undefined;
      // Overrides for trying export settings: SDK_BENCH_PROTOCOL=http/json (default: the SDK's own
      // default, protobuf), SDK_BENCH_BATCH=512.
      const protocol = process.env.SDK_BENCH_PROTOCOL;
      const batch = Number(process.env.SDK_BENCH_BATCH ?? 0);
      sdk.init({
        endpoint: cfg.sinkUrl, registerGlobal: false, flushOnExit: false,
        ...(protocol === 'http/json' || protocol === 'http/protobuf' ? { protocol } : {}),
        ...(batch > 0 ? { maxExportBatchSize: batch } : {}),
        ...(exporter ? { exporter } : {}),
      });
      return { make: (c) => plain(sdk.wrapOpenAI(c, { provider: 'openai' })), flush: () => sdk.flush() };
    }
    case 'openllmetry': {
      const { OpenAIInstrumentation } = await import('@traceloop/instrumentation-openai');
      const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: traces }))] });
      provider.register();
      const inst = new OpenAIInstrumentation({ enrichTokens: false });
      inst.setTracerProvider(provider);
      inst.manuallyInstrument(OpenAI);
      return { make: plain, flush: () => provider.forceFlush() };
    }
    case 'openinference': {
      const { OpenAIInstrumentation } = await import('@arizeai/openinference-instrumentation-openai');
      const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: traces }))] });
      provider.register();
      const inst = new OpenAIInstrumentation();
      inst.setTracerProvider(provider);
      inst.manuallyInstrument({ OpenAI } as never);
      return { make: plain, flush: () => provider.forceFlush() };
    }
    case 'langfuse': {
      const { LangfuseSpanProcessor } = await import('@langfuse/otel');
      const { observeOpenAI } = await import('@langfuse/openai');
      const provider = new NodeTracerProvider({ spanProcessors: [new LangfuseSpanProcessor({ publicKey: 'pk-bench', secretKey: 'sk-bench', baseUrl: cfg.sinkUrl })] });
      provider.register();
      return { make: (c) => plain(observeOpenAI(c)), flush: () => provider.forceFlush() };
    }
  }
}
