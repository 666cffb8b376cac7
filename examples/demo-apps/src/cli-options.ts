import { parseArgs } from 'node:util';

export const HELP = `sightline demo apps: real SDK-instrumented traffic for a Sightline server

Usage: node --import tsx examples/demo-apps/src/main.ts [options]

Options:
  --endpoint <url>       where traces go: Sightline or an OTel Collector [env SIGHTLINE_ENDPOINT, default http://127.0.0.1:4318]
  --api-url <url>        Sightline itself, for the alert set-up      [env SIGHTLINE_API_URL, default: --endpoint]
  --backfill-days <n>    play n days of history first (0 = none)     [default 0]
  --per-day <n>          traces per day in the backfill, on average  [default 250]
  --live                 then keep generating live traffic
  --duration <s>         stop the live traffic after s seconds       [default: until Ctrl-C]
  --interval-ms <ms>     mean pause between live requests            [default 2500]
  --alert                start a webhook receiver and a spend alert that fires into it
  --webhook-host <h>     interface of the receiver                   [default 127.0.0.1]
  --webhook-public-host <h>  host Sightline uses to reach the receiver [default: --webhook-host]
  --webhook-port <n>     port of the receiver (0 = any)              [default 0]
  --backfill-marker <f>  skip the backfill when file f exists; write it after one
                         (re-runs on the same store keep one week of history, not two)
  --seed <n>             seed of the story (users, questions, timing) [default 42]
  -h, --help

Environment:
  SIGHTLINE_API_KEY      the project key sent with every export (never pass keys on the command line)
  OPENAI_BASE_URL, OPENAI_API_KEY        a real OpenAI-compatible endpoint (vLLM, OpenAI...); unset = bundled simulator
  ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY  a real Anthropic endpoint; unset with a real OpenAI endpoint = OpenAI answers
  DEMO_SIMULATED=1       the endpoint above is a sightline-simulator (compose)
  DEMO_MODEL             one model for every call (vLLM serves one); the support assistant then skips Claude
  DEMO_EMBEDDING_MODEL   embeddings model of that endpoint; unset with DEMO_MODEL = lexical retrieval
`;

export interface DemoCliOptions {
  endpoint: string;
  apiUrl: string;
  apiKey: string | undefined;
  backfillDays: number;
  perDay: number;
  live: boolean;
  durationS: number | undefined;
  intervalMs: number;
  alert: boolean;
  webhookHost: string;
  webhookPublicHost: string;
  webhookPort: number;
  backfillMarker: string | undefined;
  seed: number;
  help: boolean;
}

function count(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got '${raw}'`);
  return n;
}

export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv): DemoCliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      endpoint: { type: 'string' }, 'api-url': { type: 'string' }, 'backfill-days': { type: 'string' }, 'per-day': { type: 'string' }, live: { type: 'boolean' },
      duration: { type: 'string' }, 'interval-ms': { type: 'string' }, alert: { type: 'boolean' }, 'webhook-host': { type: 'string' },
      'webhook-public-host': { type: 'string' }, 'webhook-port': { type: 'string' }, 'backfill-marker': { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const endpoint = values.endpoint ?? env.SIGHTLINE_ENDPOINT ?? 'http://127.0.0.1:4318';
  const apiUrl = values['api-url'] ?? env.SIGHTLINE_API_URL ?? endpoint;
  for (const [flag, url] of [['--endpoint', endpoint], ['--api-url', apiUrl]] as const) {
    try {
      new URL(url);
    } catch {
      throw new Error(`${flag} must be a URL, got '${url}'`);
    }
  }
  const webhookHost = values['webhook-host'] ?? '127.0.0.1';
  return {
    endpoint,
    apiUrl: apiUrl.replace(/\/+$/, ''),
    apiKey: env.SIGHTLINE_API_KEY !== undefined && env.SIGHTLINE_API_KEY !== '' ? env.SIGHTLINE_API_KEY : undefined,
    backfillDays: count('backfill-days', values['backfill-days'], 0),
    perDay: count('per-day', values['per-day'], 250, 1),
    live: values.live === true,
    durationS: values.duration === undefined ? undefined : count('duration', values.duration, 0),
    intervalMs: count('interval-ms', values['interval-ms'], 2500, 10),
    alert: values.alert === true,
    webhookHost,
    webhookPublicHost: values['webhook-public-host'] ?? webhookHost,
    webhookPort: count('webhook-port', values['webhook-port'], 0),
    backfillMarker: values['backfill-marker'],
    seed: count('seed', values.seed, 42),
    help: values.help === true,
  };
}
