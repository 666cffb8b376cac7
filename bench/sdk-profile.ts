// Profile target for the SDK's call path: one mode's calls only (plain or streaming) on the canned
// in-process client, export discarded, so a CPU profile (or --trace-gc) shows what each mode adds.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --conditions=@sightline/source --import tsx bench/sdk-profile.ts [--mode unwrapped|bare|sightline] [--stream] [--export] [--calls 20000]
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { init, wrapOpenAI, flush } from '@sightline/sdk';
import { cannedFetch, startSink } from './sdk-bench-servers.ts';
import { bareSpanAround, chatCall, MESSAGES } from './sdk-bench-modes.ts';

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

const drive = (): Promise<string> => chatCall(c, stream);

async function one(): Promise<void> {
  if (mode !== 'bare') {
    await drive();
    return;
  }
  await bareSpanAround(tracer, MESSAGES, drive);
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
