// Encoder micro-benchmark: CPU per span of Sightline's protobuf encoder against the stock
// otlp-transformer serialisers, on GenAI-shaped spans (two ~2 KB strings, 16 attributes).
//   pnpm tsx --conditions=@sightline/source bench/sdk-encode-micro.ts
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { encodeTraceRequest } from '../packages/sdk/src/export/otlp-proto-encode.ts';
import { ProtoWriter } from '../packages/sdk/src/export/proto-writer.ts';
import { MESSAGES } from './sdk-bench-modes.ts';

const mem = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(mem)] }).getTracer('bench', '1.0');
const input = JSON.stringify(MESSAGES.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] })));
const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'The quarterly revenue grew. '.repeat(70) }], finish_reason: 'stop' }]);
for (let i = 0; i < 64; i++) {
  tracer.startSpan('chat gpt-4o-mini', {
    attributes: {
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 600, 'gen_ai.input.messages': input, 'gen_ai.output.messages': output, 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-bench', 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.usage.input_tokens': 520, 'gen_ai.usage.output_tokens': 480,
      'gen_ai.usage.cache_read.input_tokens': 256, 'server.address': '127.0.0.1', 'server.port': 443, 'sightline.sdk.version': '0.1.0',
    },
  }).end();
}
const spans = mem.getFinishedSpans();
const w = new ProtoWriter();
const time = (name: string, fn: () => unknown) => {
  for (let i = 0; i < 300; i++) fn();
  const c = process.cpuUsage();
  const n = 1500;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes = (fn() as { length: number }).length;
  const d = process.cpuUsage(c);
  console.log(`${name.padEnd(28)} ${((d.user + d.system) / n / spans.length).toFixed(2)} µs/span  (${bytes} bytes per 64 spans)`);
};
time('sightline protobuf', () => encodeTraceRequest(spans, w));
const stock = await import('@opentelemetry/otlp-transformer').catch(() => undefined);
if (stock) {
  time('stock protobuf', () => stock.ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
  time('stock json', () => stock.JsonTraceSerializer.serializeRequest(spans) as Uint8Array);
}
