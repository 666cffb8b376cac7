// Profile target for the SDK's call path: one mode's calls only (plain or streaming) on the canned
// in-process client, export discarded, so a CPU profile (or --trace-gc) shows what each mode adds.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --conditions=@sightline/source --import tsx bench/sdk-profile.ts [--mode unwrapped|bare|sightline] [--stream] [--export] [--calls 20000]
import { SpanKind } from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { init, wrapOpenAI, flush } from '@sightline/sdk';
import { cannedFetch, startSink } from './sdk-bench-servers.ts';
import { MESSAGES } from './sdk-bench-modes.ts';

const stream = process.argv.includes('--stream');
const arg = (name: string) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const mode = process.argv.includes('--mode') ? arg('mode') : 'sightline';
const calls = process.argv.includes('--calls') ? Number(arg('calls')) : 20_000;
const discard = { export: (_s: unknown[], cb: (r: { code: number }) => void) => cb({ code: 0 }), shutdown: async () => undefined };
// --export: Sightline exports to an OTLP sink in a child process instead of discarding.
const sink = process.argv.includes('--export') ? await startSink() : undefined;
init({
  registerGlobal: false, flushOnExit: false,
  ...(sink ? { endpoint: sink.url } : { exporter: discard }),
  ...(process.env.SDK_BENCH_BATCH ? { maxExportBatchSize: Number(process.env.SDK_BENCH_BATCH) } : {}),
});
const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] });
provider.register();
const tracer = provider.getTracer('bench');
const make = () => new OpenAI({ apiKey: 'x', baseURL: 'http://llm.invalid/v1', maxRetries: 0, fetch: cannedFetch });
const c = mode === 'sightline' ? wrapOpenAI(make(), { provider: 'openai' }) : make();
// One exported span first in every mode: the batch processor's first export enables async hooks
// (AsyncLocalStorage), which every later promise pays for; each mode must pay it alike.
await wrapOpenAI(make(), { provider: 'openai' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
await flush();

async function drive(): Promise<string> {
  if (!stream) {
    const res = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, temperature: 0.2, max_tokens: 600 });
    return res.choices[0]?.message.content ?? '';
  }
  const s = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, temperature: 0.2, max_tokens: 600, stream: true, stream_options: { include_usage: true } });
  let text = '';
  for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

async function one(): Promise<void> {
  if (mode !== 'bare') {
    await drive();
    return;
  }
  const span = tracer.startSpan('chat gpt-4o-mini', {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.temperature': 0.2, 'gen_ai.request.max_tokens': 600 },
  });
  const text = await drive();
  span.setAttributes({
    'gen_ai.input.messages': JSON.stringify(MESSAGES.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))),
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: 'stop' }]),
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.response.id': 'chatcmpl-bench', 'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 520, 'gen_ai.usage.output_tokens': 480, 'gen_ai.usage.cache_read.input_tokens': 256, 'server.address': '127.0.0.1',
  });
  span.end();
}

const t0 = performance.now();
const cpu = process.cpuUsage();
for (let i = 0; i < calls; i++) {
  await one();
  await new Promise<void>((r) => setImmediate(r));
}
await flush();
await provider.forceFlush();
const d = process.cpuUsage(cpu);
sink?.stop();
process.stdout.write(`${mode} ${stream ? 'stream' : 'plain'}: ${((d.user + d.system) / calls).toFixed(1)} µs CPU/call, ${(((performance.now() - t0) * 1000) / calls).toFixed(1)} µs wall/call\n`);
