import OpenAI from 'openai';
import { init, shutdown, wrapOpenAI } from '@sightline/sdk';
import { runExamples } from './app.ts';

// Configuration comes from the environment, as in production:
//   SIGHTLINE_ENDPOINT (default http://localhost:4318), SIGHTLINE_API_KEY,
//   OPENAI_API_KEY and OPENAI_BASE_URL (e.g. http://127.0.0.1:8787/v1 for `sightline-simulator`).
init({ serviceName: 'example-openai' });
const openai = wrapOpenAI(new OpenAI());

try {
  await runExamples(openai, (line) => console.log(line));
} finally {
  // Exports what is still buffered before the process exits.
  await shutdown();
}
