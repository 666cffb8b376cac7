import Anthropic from '@anthropic-ai/sdk';
import { init, shutdown, wrapAnthropic } from '@sightline/sdk';
import { runExamples } from './app.ts';

// SIGHTLINE_ENDPOINT and SIGHTLINE_API_KEY configure the export; ANTHROPIC_API_KEY and
// ANTHROPIC_BASE_URL (e.g. http://127.0.0.1:8787 for `sightline-simulator`) the client.
init({ serviceName: 'example-anthropic' });
// The client's own OpenTelemetry spans are turned off: wrapAnthropic records each call, and both
// would count it twice once init() has registered a tracer provider.
const anthropic = wrapAnthropic(new Anthropic({ openTelemetry: false }));

try {
  await runExamples(anthropic, (line) => console.log(line));
} finally {
  await shutdown();
}
