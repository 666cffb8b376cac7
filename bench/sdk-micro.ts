// Quick in-process A/B target for the SDK's call path (export discarded, so the figures are the
// call path alone): paired blocks of the unwrapped client, a bare OTel span carrying the same
// attributes, and the Sightline-wrapped client, in one process; medians of the paired differences.
//   pnpm tsx --conditions=@sightline/source bench/sdk-micro.ts [--stream] [--blocks 15] [--calls 300] [--warmup 3000]
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { init, wrapOpenAI, flush } from '@sightline/sdk';
import { cannedFetch } from './sdk-bench-servers.ts';
import { bareSpanAround, chatCall, measureBlock, median, MESSAGES, nextTurn } from './sdk-bench-modes.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const stream = process.argv.includes('--stream');
const blocks = arg('blocks', 15);
const calls = arg('calls', 300);
const warmup = arg('warmup', 3000);

const discard = { export: (_s: unknown[], cb: (r: { code: number }) => void) => cb({ code: 0 }), shutdown: async () => undefined };
init({ registerGlobal: false, flushOnExit: false, exporter: discard });
const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] });
provider.register();
const tracer = provider.getTracer('bench');

const make = () => new OpenAI({ apiKey: 'x', baseURL: 'http://llm.invalid/v1', maxRetries: 0, fetch: cannedFetch });
const plainClient = make();
const wrappedClient = wrapOpenAI(make(), { provider: 'openai' });

const drive = (c: OpenAI): Promise<string> => chatCall(c, stream);

/** The bench's reference: one hand-made span with the same attributes (as in sdk-bench-modes.ts). */
async function bareSpan(): Promise<void> {
  await bareSpanAround(tracer, MESSAGES, () => drive(plainClient));
}

const modes = {
  unwrapped: { call: () => drive(plainClient), flush: async () => undefined },
  bare: { call: bareSpan, flush: () => provider.forceFlush() },
  sightline: { call: () => drive(wrappedClient), flush },
};
type Mode = keyof typeof modes;
const block = (mode: Mode) => measureBlock(modes[mode].call, modes[mode].flush, calls);

for (let i = 0; i < warmup; i++) {
  await modes.unwrapped.call();
  await modes.bare.call();
  await modes.sightline.call();
  if (i % 64 === 0) await nextTurn();
}
await flush();
await provider.forceFlush();
const diffs = { bare: { inCall: [] as number[], total: [] as number[] }, sightline: { inCall: [] as number[], total: [] as number[] } };
const base: number[] = [];
for (let b = 0; b < blocks; b++) {
  const u1 = await block('unwrapped');
  const x = await block('bare');
  const s = await block('sightline');
  const u2 = await block('unwrapped');
  const u = { inCall: (u1.inCall + u2.inCall) / 2, total: (u1.total + u2.total) / 2 };
  base.push(u.total);
  diffs.bare.inCall.push(x.inCall - u.inCall);
  diffs.bare.total.push(x.total - u.total);
  diffs.sightline.inCall.push(s.inCall - u.inCall);
  diffs.sightline.total.push(s.total - u.total);
}
const bareTotal = median(diffs.bare.total);
process.stdout.write(`${stream ? 'stream' : 'plain'}: unwrapped ${median(base).toFixed(0)} µs CPU/call; added (median of ${blocks} paired blocks of ${calls}, export discarded):\n`);
for (const m of ['bare', 'sightline'] as const) {
  const t = median(diffs[m].total);
  process.stdout.write(`  ${m.padEnd(10)} total ${t.toFixed(1).padStart(6)} µs  in-call ${median(diffs[m].inCall).toFixed(1).padStart(6)} µs  ratio to bare ${(t / bareTotal).toFixed(2)}x\n`);
}
process.exit(0);
