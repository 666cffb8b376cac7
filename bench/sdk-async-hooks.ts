// What async hooks cost an app, and why the SDK's export path enters no context: on Node 20 and 22
// the first `context.with` under OpenTelemetry's AsyncLocalStorage context manager turns on async
// hooks for every promise of the process, for good. One process alternates blocks with the hooks
// on (a context entered) and off (`context.disable()`), each block measuring the unwrapped client
// and the wrapped one (the SDK exporting over OTLP/HTTP to a sink process); medians over blocks.
//   node --expose-gc --conditions=@sightline/source --import tsx bench/sdk-async-hooks.ts [--stream] [--blocks 12] [--calls 300]
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import OpenAI from 'openai';
import * as sdk from '@sightline/sdk';
import { cliArg } from './bench-env.ts';
import { chatCall, measureBlock, median } from './sdk-bench-modes.ts';
import { cannedFetch, startSink } from './sdk-bench-servers.ts';

const stream = process.argv.includes('--stream');
const blocks = Number(cliArg('blocks') ?? 12);
const calls = Number(cliArg('calls') ?? 300);

const sink = await startSink();
sdk.init({ endpoint: sink.url, registerGlobal: false, flushOnExit: false });
const client = () => new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://llm.invalid/v1', maxRetries: 0, fetch: cannedFetch });
const plain = client();
const wrapped = sdk.wrapOpenAI(client(), { provider: 'openai' });

function hooks(on: boolean): void {
  context.disable();
  if (!on) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  context.with(ROOT_CONTEXT, () => undefined);
}

for (let i = 0; i < 3000; i++) {
  await chatCall(plain, stream);
  await chatCall(wrapped, stream);
  if (i % 50 === 0) await new Promise((r) => setImmediate(r));
}
await sdk.flush();
const got = { on: { unwrapped: [] as number[], added: [] as number[] }, off: { unwrapped: [] as number[], added: [] as number[] } };
for (let b = 0; b < blocks; b++) {
  // Alternating order, so drift and what one block leaves to the next fall on both sides.
  for (const state of b % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
    hooks(state === 'on');
    const u = await measureBlock(() => chatCall(plain, stream), async () => undefined, calls);
    const s = await measureBlock(() => chatCall(wrapped, stream), () => sdk.flush(), calls);
    got[state].unwrapped.push(u.total);
    got[state].added.push(s.total - u.total);
  }
}
sink.stop();
const fig = (xs: number[]) => median(xs).toFixed(1);
const on = { u: median(got.on.unwrapped), a: median(got.on.added) };
const off = { u: median(got.off.unwrapped), a: median(got.off.added) };
process.stdout.write(
  `${stream ? 'streamed' : 'plain'} ~2 KB chat call, CPU µs per call, median of ${blocks} blocks of ${calls} (Node ${process.versions.node}):\n` +
    `  async hooks on:  unwrapped client ${fig(got.on.unwrapped)}, Sightline adds ${fig(got.on.added)}, app total ${(on.u + on.a).toFixed(1)}\n` +
    `  async hooks off: unwrapped client ${fig(got.off.unwrapped)}, Sightline adds ${fig(got.off.added)}, app total ${(off.u + off.a).toFixed(1)}\n` +
    `  hooks on / off: app total ${((on.u + on.a) / (off.u + off.a)).toFixed(2)}x\n`,
);
process.exit(0);
