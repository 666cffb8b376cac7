// Quick in-process profile target: the wrapped call on the canned client, no export.
import OpenAI from 'openai';
import { init, wrapOpenAI, flush } from '@sightline/sdk';
import { cannedFetch } from './sdk-bench-servers.ts';
import { MESSAGES } from './sdk-bench-modes.ts';

init({ registerGlobal: false, flushOnExit: false, exporter: { export: (_s, cb) => cb({ code: 0 }), shutdown: async () => undefined } });
const make = () => new OpenAI({ apiKey: 'x', baseURL: 'http://llm.invalid/v1', maxRetries: 0, fetch: cannedFetch });
const bare = make();
const wrapped = wrapOpenAI(make());
const call = (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, temperature: 0.2, max_tokens: 600 });
async function run(c: OpenAI, n: number) {
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await call(c);
  await flush();
  const d = process.cpuUsage(cpu);
  return (d.user + d.system) / n;
}
for (let i = 0; i < 3000; i++) {
  await call(bare);
  await call(wrapped);
}
const rows: number[] = [];
for (let r = 0; r < 6; r++) {
  const b = await run(bare, 1000);
  const w = await run(wrapped, 1000);
  rows.push(w - b);
  console.log(`bare ${b.toFixed(0)} µs, wrapped ${w.toFixed(0)} µs, added ${(w - b).toFixed(1)} µs`);
}
console.log('median added', rows.sort((a, b) => a - b)[3]?.toFixed(1));
