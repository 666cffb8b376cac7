// Same-process A/B of two builds of the SDK against the bare OTel span reference: interleaved
// blocks of the unwrapped client, the bare span (stock batch processor + OTLP/HTTP JSON exporter),
// this checkout's SDK and, with --base, another copy of the SDK's source (e.g. a snapshot taken
// before a change). Export goes to an OTLP sink in a child process and is included (final flush
// of each block included). Medians of paired differences against the unwrapped client.
// With --base it also prints current minus base, paired block by block (the A/B figure itself).
//   node --expose-gc --conditions=@sightline/source --import tsx bench/sdk-ab.ts [--base /path/to/old/src/index.ts] [--sdk /path/to/src/index.ts] [--stream] [--discard] [--fresh-prompt] [--blocks 15] [--calls 300]
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import type * as Sightline from '@sightline/sdk';
import { cannedFetch, startSink } from './sdk-bench-servers.ts';
import { bareSpanAround, chatCall, discardingExporter, measureBlock, median, MESSAGES, nextTurn } from './sdk-bench-modes.ts';

type Sdk = typeof Sightline;
const argAt = (name: string) => process.argv.indexOf(`--${name}`);
const num = (name: string, fallback: number) => (argAt(name) >= 0 ? Number(process.argv[argAt(name) + 1]) : fallback);
const stream = process.argv.includes('--stream');
const blocks = num('blocks', 15);
const calls = num('calls', 300);
const warmup = num('warmup', 3000);
const basePath = argAt('base') >= 0 ? process.argv[argAt('base') + 1] : undefined;
// --sdk: measure another copy of the SDK's source as "current" (A/B across processes: two copies
// in one process carry a bias of their own, up to tens of µs in an A/A run).
const current = (await import(argAt('sdk') >= 0 ? (process.argv[argAt('sdk') + 1] as string) : '@sightline/sdk')) as Sdk;
// --fresh-prompt: every call sends a user message never sent before (the system prompt repeats,
// as in most apps); by default every call repeats the same ~2 KB prompt, as the bench does.
const fresh = process.argv.includes('--fresh-prompt');
let serial = 0;
const messagesFor = (): typeof MESSAGES =>
  fresh ? [MESSAGES[0] as (typeof MESSAGES)[number], { role: 'user' as const, content: `Request ${serial++}. ${MESSAGES[1]?.content ?? ''}` }] : MESSAGES;

// --discard: every mode's exporter discards its spans (the call path and span building alone, no
// socket noise), for A/B of changes that do not touch export.
const discard = process.argv.includes('--discard');
const sink = await startSink();
const endpoint = sink.url;
const make = () => new OpenAI({ apiKey: 'x', baseURL: 'http://llm.invalid/v1', maxRetries: 0, fetch: cannedFetch });

function sdkMode(sdk: Sdk) {
  sdk.init({ endpoint, registerGlobal: false, flushOnExit: false, ...(discard ? { exporter: discardingExporter } : {}) });
  const client = sdk.wrapOpenAI(make(), { provider: 'openai' });
  return { call: () => drive(client), flush: () => sdk.flush() };
}


const drive = (c: OpenAI, messages = messagesFor()): Promise<string> => chatCall(c, stream, messages);

/** The reference of the figures (as in sdk-bench-modes.ts): one hand-made span, same attributes. */
async function bareSpan(): Promise<void> {
  const messages = messagesFor();
  await bareSpanAround(tracer, messages, () => drive(plainClient, messages));
}

interface ModeRun {
  call: () => Promise<unknown>;
  flush: () => Promise<void>;
}
// The SDKs start first, each with a private provider: started after a registered global provider
// they would join it, and every span would go through every pipeline.
const sdkModes: Record<string, ModeRun> = { current: sdkMode(current) };
if (basePath) sdkModes.base = sdkMode((await import(basePath)) as Sdk);
const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard ? discardingExporter : new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))] });
provider.register();
const tracer = provider.getTracer('bench');
const plainClient = make();
const modes: Record<string, ModeRun> = {
  unwrapped: { call: () => drive(plainClient), flush: async () => undefined },
  bare: { call: bareSpan, flush: () => provider.forceFlush() },
  ...sdkModes,
};
const measured = Object.keys(modes).filter((m) => m !== 'unwrapped');
const block = (mode: ModeRun) => measureBlock(mode.call, mode.flush, calls);

for (let i = 0; i < warmup; i++) {
  for (const m of Object.values(modes)) await m.call();
  if (i % 64 === 0) await nextTurn();
}
for (const m of Object.values(modes)) await m.flush();
const diffs: Record<string, { inCall: number[]; total: number[] }> = {};
const vsBase = { inCall: [] as number[], total: [] as number[] };
for (const m of measured) diffs[m] = { inCall: [], total: [] };
const base: number[] = [];
for (let b = 0; b < blocks; b++) {
  // Rotate the order so no mode always runs right after the same one.
  const order = measured.map((_, i) => measured[(i + b) % measured.length] as string);
  const u1 = await block(modes.unwrapped as ModeRun);
  const got: Record<string, { inCall: number; total: number }> = {};
  for (const m of order) got[m] = await block(modes[m] as ModeRun);
  const u2 = await block(modes.unwrapped as ModeRun);
  const u = { inCall: (u1.inCall + u2.inCall) / 2, total: (u1.total + u2.total) / 2 };
  base.push(u.total);
  for (const m of measured) {
    diffs[m]?.inCall.push((got[m]?.inCall ?? NaN) - u.inCall);
    diffs[m]?.total.push((got[m]?.total ?? NaN) - u.total);
  }
  if (got.base && got.current) {
    vsBase.inCall.push(got.current.inCall - got.base.inCall);
    vsBase.total.push(got.current.total - got.base.total);
  }
}
sink.stop();
const bareTotal = median(diffs.bare?.total ?? []);
process.stdout.write(`${stream ? 'stream' : 'plain'}${fresh ? ', fresh prompt per call' : ''}: unwrapped ${median(base).toFixed(0)} µs CPU/call; added, median of ${blocks} paired blocks of ${calls} calls (${discard ? 'export discarded' : 'export included'}):\n`);
for (const m of measured) {
  const d = diffs[m] as { inCall: number[]; total: number[] };
  const t = median(d.total);
  process.stdout.write(`  ${m.padEnd(8)} total ${t.toFixed(1).padStart(6)} µs  in-call ${median(d.inCall).toFixed(1).padStart(6)} µs  ratio to bare ${(t / bareTotal).toFixed(2)}x\n`);
}
if (vsBase.total.length > 0) {
  const spread = (xs: number[]) => `[${Math.min(...xs).toFixed(1)}, ${Math.max(...xs).toFixed(1)}]`;
  process.stdout.write(`  current - base, paired per block: total ${median(vsBase.total).toFixed(1)} µs ${spread(vsBase.total)}  in-call ${median(vsBase.inCall).toFixed(1)} µs\n`);
}
process.exit(0);
