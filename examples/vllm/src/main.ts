import OpenAI from 'openai';
import { init, shutdown, wrapOpenAI } from '@sightline/sdk';
import { runExamples } from './app.ts';

// VLLM_BASE_URL (default http://localhost:8000) and VLLM_MODEL name the server and its model, e.g.
//   vllm serve Qwen/Qwen2.5-0.5B-Instruct   (or: sightline-simulator --port 8000)
const baseUrl = (process.env.VLLM_BASE_URL ?? 'http://localhost:8000').replace(/\/+$/, '');
const model = process.env.VLLM_MODEL ?? 'Qwen/Qwen2.5-0.5B-Instruct';

init({ serviceName: 'example-vllm' });
// The provider is named explicitly: a vLLM server behind a gateway or on an unusual port would
// otherwise be recorded as a generic OpenAI-compatible endpoint.
const openai = wrapOpenAI(new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: process.env.VLLM_API_KEY ?? 'EMPTY' }), { provider: 'vllm' });

try {
  await runExamples(openai, { baseUrl, model }, (line) => console.log(line));
} finally {
  await shutdown();
}
