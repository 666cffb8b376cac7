import OpenAI from 'openai';
import { init, shutdown, traceRetrieval, traceTool, traceWorkflow, withContext, withPrompt, wrapOpenAI } from '@sightline/sdk';
import { startSimulator } from '@sightline/llm-simulator';
import { XSS_PROMPT } from './xss-corpus.ts';
import { LONG_MARKER } from './seed-shape.ts';
import type { Seeded } from './seed-shape.ts';

/**
 * Real spans for the browser tests: the real `openai` client against the LLM simulator, wrapped by
 * the real SDK, exported over OTLP/HTTP to the real server. Returns what the test asserts against.
 */
const LONG_CONTEXT = `${LONG_MARKER} `.repeat(2000);

export async function seed(serverUrl: string, apiKey: string): Promise<Seeded> {
  const sim = await startSimulator({ seed: 7 });
  init({ serviceName: 'support-bot', environment: 'e2e', configVersion: 'support-cfg-12', endpoint: serverUrl, apiKey, scheduledDelayMillis: 100, flushOnExit: false });
  const client = wrapOpenAI(new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: 'sk-simulator', maxRetries: 0 }));
  let traceCount = 0;
  let errorTraces = 0;
  try {
    // 1. An agent-like workflow: retrieval, a tool call, two chat calls, inside a user's session.
    await withContext({ userId: 'alice', sessionId: 'sess-alice-1', metadata: { tenant: 'acme' } }, () =>
      withPrompt({ name: 'support-reply', version: 'v2' }, () =>
        traceWorkflow('answer-ticket', async () => {
          const docs = await traceRetrieval('refund policy', async (h) => {
            const found = [
              { id: 'kb-12', score: 0.91, content: 'Refunds within 30 days.' },
              { id: 'kb-7', score: 0.62, content: 'Shipping takes 5 days.' },
            ];
            h.setDocuments(found.map(({ id, score }) => ({ id, score })));
            return found;
          });
          await client.chat.completions.create({
            model: 'gpt-4o-mini',
            messages: [
              { role: 'system', content: 'You are a support agent. Use the documents.' },
              { role: 'user', content: `Can I get a refund? Context: ${docs.map((d) => d.content).join(' ')}` },
            ],
          });
          await traceTool('lookup_order', async () => ({ orderId: 'A-1001', status: 'delivered' }), { arguments: { orderId: 'A-1001' } });
          const stream = await client.chat.completions.create({
            model: 'gpt-4o-mini',
            stream: true,
            stream_options: { include_usage: true },
            messages: [{ role: 'user', content: 'Summarise the refund answer in one line.' }],
          });
          for await (const _chunk of stream) {
            // drain: the span ends, with its time to first token, when the stream does
          }
        }),
      ),
    );
    traceCount++;

    // 2. Plain calls on another model and user.
    // The second prompt is large (~35 KB): the trace page must show a preview and load the rest on request.
    for (const q of ['What is the capital of France?', `Translate "hello" to German. ${LONG_CONTEXT}`]) {
      await withContext({ userId: 'bob', sessionId: 'sess-bob-1' }, () => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] }));
      traceCount++;
    }

    // 3. A failed call (rate limited): an error trace with a failure class.
    await withContext({ userId: 'carol' }, () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello [[scenario:rate_limit]]' }] }).catch(() => undefined),
    );
    traceCount++;
    errorTraces++;

    // 4. The XSS corpus in the system prompt, the user prompt and a tool result.
    await withContext({ userId: 'mallory', sessionId: 'sess-xss' }, () =>
      traceWorkflow('xss-probe', async () => {
        await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: XSS_PROMPT },
            { role: 'user', content: XSS_PROMPT },
          ],
        });
        await traceTool('render_html', async () => XSS_PROMPT, { arguments: { html: XSS_PROMPT } });
      }),
    );
    traceCount++;
  } finally {
    await shutdown();
    await sim.close();
  }
  return { traceCount, models: ['gpt-4o', 'gpt-4o-mini'], errorTraces };
}
