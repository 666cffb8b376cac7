// The SDK's own cost per call with the HTTP client's work taken out: a stand-in client whose
// `chat.completions.create` returns openai's real APIPromise and Stream classes over chunks
// parsed from canned SSE data (no fetch, no SSE decoding), so the ~600 µs of the real client's
// streaming work, and its run-to-run variance, do not bury the tens of µs being changed.
// Paired blocks of the unwrapped stand-in, a bare OTel span and the wrapped stand-in; export
// discarded unless --export (then both go over OTLP/HTTP to a sink process: the SDK's own protobuf
// exporter, the bare span the stock JSON one). For A/B run it alternately with --sdk pointing at a
// copy of the SDK's source.
//   node --expose-gc --conditions=@sightline/source --import tsx bench/sdk-stream-micro.ts [--plain] [--export] [--sdk /path/to/src/index.ts] [--blocks 31] [--calls 500]
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type OpenAI from 'openai';
import { APIPromise } from 'openai/core/api-promise';
import { Stream } from 'openai/core/streaming';
import type * as Sightline from '@sightline/sdk';
import { bareSpanAround, chatCall, discardingExporter, measureBlock, median, MESSAGES, nextTurn } from './sdk-bench-modes.ts';
import { CANNED_CHUNKS, CANNED_PLAIN, startSink } from './sdk-bench-servers.ts';

const argAt = (name: string) => process.argv.indexOf(`--${name}`);
const num = (name: string, fallback: number) => (argAt(name) >= 0 ? Number(process.argv[argAt(name) + 1]) : fallback);
const stream = !process.argv.includes('--plain');
const blocks = num('blocks', 31);
const calls = num('calls', 500);
const warmup = num('warmup', 5000);
const sdk = (await import(argAt('sdk') >= 0 ? (process.argv[argAt('sdk') + 1] as string) : '@sightline/sdk')) as typeof Sightline;

async function* chunks(): AsyncGenerator<unknown> {
  // Fresh objects per call, as a real stream's JSON.parse makes them.
  for (const c of CANNED_CHUNKS) yield JSON.parse(c) as unknown;
}

/** A stand-in for the openai client: the real APIPromise/Stream classes, no HTTP. */
function standIn(): OpenAI {
  const client = {
    chat: {
      completions: {
        create(body: { stream?: boolean }) {
          const props = Promise.resolve({ response: null, options: body, controller: new AbortController() });
          return new APIPromise(client as never, props as never, (_c, p) =>
            Promise.resolve(body.stream ? new Stream(chunks as never, (p as { controller: AbortController }).controller) : (JSON.parse(CANNED_PLAIN) as unknown)) as never,
          );
        },
      },
    },
  };
  return client as unknown as OpenAI;
}

const sink = process.argv.includes('--export') ? await startSink() : undefined;
sdk.init({ registerGlobal: false, flushOnExit: false, ...(sink ? { endpoint: sink.url } : { exporter: discardingExporter }) });
const wrapped = sdk.wrapOpenAI(standIn(), { provider: 'openai' });
const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(sink ? new OTLPTraceExporter({ url: `${sink.url}/v1/traces` }) : discardingExporter)] });
provider.register();
const tracer = provider.getTracer('bench');
const plain = standIn();

const modes = {
  unwrapped: { call: () => chatCall(plain, stream), flush: async () => undefined },
  bare: { call: () => bareSpanAround(tracer, MESSAGES, () => chatCall(plain, stream)), flush: () => provider.forceFlush() },
  sightline: { call: () => chatCall(wrapped, stream), flush: () => sdk.flush() },
};
type Mode = keyof typeof modes;
const block = (m: Mode) => measureBlock(modes[m].call, modes[m].flush, calls);

for (let i = 0; i < warmup; i++) {
  for (const m of Object.values(modes)) await m.call();
  if (i % 64 === 0) await nextTurn();
}
for (const m of Object.values(modes)) await m.flush();
const added = { bare: { inCall: [] as number[], total: [] as number[] }, sightline: { inCall: [] as number[], total: [] as number[] } };
const base: number[] = [];
for (let b = 0; b < blocks; b++) {
  const order: Array<'bare' | 'sightline'> = b % 2 ? ['bare', 'sightline'] : ['sightline', 'bare'];
  const u1 = await block('unwrapped');
  const got = { bare: { inCall: 0, total: 0 }, sightline: { inCall: 0, total: 0 } };
  for (const m of order) got[m] = await block(m);
  const u2 = await block('unwrapped');
  const u = { inCall: (u1.inCall + u2.inCall) / 2, total: (u1.total + u2.total) / 2 };
  base.push(u.total);
  for (const m of order) {
    added[m].inCall.push(got[m].inCall - u.inCall);
    added[m].total.push(got[m].total - u.total);
  }
}
const bareTotal = median(added.bare.total);
sink?.stop();
process.stdout.write(`${stream ? 'stream' : 'plain'} (stand-in client): unwrapped ${median(base).toFixed(1)} µs CPU/call; added, median of ${blocks} paired blocks of ${calls} (${sink ? 'export included' : 'export discarded'}):\n`);
for (const m of ['bare', 'sightline'] as const) {
  const t = median(added[m].total);
  process.stdout.write(`  ${m.padEnd(10)} total ${t.toFixed(1).padStart(6)} µs  in-call ${median(added[m].inCall).toFixed(1).padStart(6)} µs  ratio to bare ${(t / bareTotal).toFixed(2)}x\n`);
}
process.exit(0);
