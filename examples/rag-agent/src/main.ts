import OpenAI from 'openai';
import { init, shutdown, wrapOpenAI } from '@sightline/sdk';
import { answer, HANDBOOK } from './agent.ts';
import { VectorStore } from './vector-store.ts';

// SIGHTLINE_ENDPOINT / SIGHTLINE_API_KEY for the export; OPENAI_API_KEY / OPENAI_BASE_URL for the model.
init({ serviceName: 'example-rag-agent' });
const openai = wrapOpenAI(new OpenAI());

try {
  const store = new VectorStore(openai);
  await store.add(HANDBOOK);
  console.log(`answer: ${await answer(openai, store, 'How many days off do I get for two on-call weekends?', { id: 'dev-42', session: 'hr-questions' })}`);
} finally {
  await shutdown();
}
