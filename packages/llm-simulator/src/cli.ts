import { parseArgs } from 'node:util';
import { startSimulator } from './server.ts';
import type { SimulatorOptions } from './options.ts';

const HELP = `sightline-simulator: a local OpenAI- and Anthropic-compatible LLM server for tests and demos

Usage: sightline-simulator [options]

Options:
  --port <n>            port to listen on (default 8787; 0 picks a free one)
  --host <addr>         interface to bind (default 127.0.0.1; use 0.0.0.0 in a container)
  --seed <n>            seed of all generated content (default 42)
  --latency <mode>      none | realistic (default realistic: 150-900 ms to first token, 40-120 tokens/s)
  --rate-limit <p>      probability of a 429 with retry-after (0..1, default 0)
  --server-error <p>    probability of a 500/503 (0..1, default 0)
  --invalid-json <p>    probability of broken JSON in structured outputs (0..1, default 0)
  -h, --help            show this help

Endpoints: POST /v1/chat/completions, /v1/responses, /v1/embeddings, /v1/completions, /v1/messages; GET /v1/models.
Per-request control: header x-simulator-scenario: rate_limit|server_error|invalid_json|tool_call|abort_stream|no_usage
(or [[scenario:...]] in the last user message).
`;

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got '${raw}'`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, latency: { type: 'string' },
      'rate-limit': { type: 'string' }, 'server-error': { type: 'string' }, 'invalid-json': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return;
  }
  const latency = values.latency ?? 'realistic';
  if (latency !== 'none' && latency !== 'realistic') throw new Error(`--latency must be 'none' or 'realistic', got '${latency}'`);
  const faults: NonNullable<SimulatorOptions['faults']> = {};
  const rateLimit = number('rate-limit', values['rate-limit']);
  const serverError = number('server-error', values['server-error']);
  const invalidJson = number('invalid-json', values['invalid-json']);
  if (rateLimit !== undefined) faults.rateLimit = rateLimit;
  if (serverError !== undefined) faults.serverError = serverError;
  if (invalidJson !== undefined) faults.invalidJson = invalidJson;
  const opts: SimulatorOptions = { port: number('port', values.port) ?? 8787, host: values.host ?? '127.0.0.1', latency, faults };
  const seed = number('seed', values.seed);
  if (seed !== undefined) opts.seed = seed;
  const sim = await startSimulator(opts);
  process.stdout.write(`sightline-simulator listening on ${sim.url}\n  OpenAI base URL:    ${sim.openaiBaseURL}\n  Anthropic base URL: ${sim.anthropicBaseURL}\n`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`sightline-simulator: ${(err as Error).message}\n`);
  process.exit(1);
});
