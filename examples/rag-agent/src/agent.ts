import type OpenAI from 'openai';
import { traceAgent, traceRetrieval, traceTool, withContext, withPrompt } from '@sightline/sdk';
import type { VectorStore } from './vector-store.ts';

/**
 * A research agent with two tools: `search_docs` (a retrieval, so its span nests a retrieval span
 * with the matched document ids and scores) and `calculate`. The trace reads: agent → LLM → tool →
 * retrieval → LLM → tool → LLM answer.
 */

const TOOLS: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'search_docs', description: 'Search the internal handbook', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false } } },
  { type: 'function', function: { name: 'calculate', description: 'Evaluate a sum of numbers', parameters: { type: 'object', properties: { numbers: { type: 'array', items: { type: 'number' } } }, required: ['numbers'], additionalProperties: false } } },
];

async function runTool(store: VectorStore, name: string, args: Record<string, unknown>): Promise<unknown> {
  if (name === 'search_docs') {
    const query = String(args.query ?? '');
    // traceRetrieval reads ids and scores from the returned matches.
    return traceRetrieval(query, () => store.search(query, 3), { dataSourceId: 'handbook' });
  }
  if (name === 'calculate') return { sum: (Array.isArray(args.numbers) ? args.numbers : []).reduce((s: number, n) => s + Number(n), 0) };
  throw new Error(`unknown tool ${name}`);
}

export async function answer(openai: OpenAI, store: VectorStore, question: string, user: { id: string; session: string }): Promise<string> {
  return withContext({ userId: user.id, sessionId: user.session }, () =>
    traceAgent('handbook-researcher', () =>
      withPrompt({ name: 'researcher', version: 4 }, async () => {
        const messages: OpenAI.ChatCompletionMessageParam[] = [
          { role: 'system', content: 'Answer from the handbook. Search before answering; cite document ids.' },
          { role: 'user', content: question },
        ];
        for (let step = 0; step < 6; step++) {
          const res = await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages, tools: TOOLS });
          const msg = res.choices[0]?.message;
          const calls = (msg?.tool_calls ?? []).filter((c) => c.type === 'function');
          if (msg === undefined || calls.length === 0) return msg?.content ?? '';
          messages.push(msg);
          for (const call of calls) {
            const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
            const result = await traceTool(call.function.name, () => runTool(store, call.function.name, args), { arguments: args, callId: call.id });
            messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
          }
        }
        throw new Error('the agent did not converge in 6 steps');
      }),
    ),
  );
}

export const HANDBOOK = [
  { id: 'hb-1', text: 'On-call engineers get one extra day off for each weekend on call.' },
  { id: 'hb-2', text: 'Travel above 500 EUR needs approval from a director before booking.' },
  { id: 'hb-3', text: 'Production deploys are frozen from 20 December to 2 January.' },
  { id: 'hb-4', text: 'Every incident with customer impact gets a written post-mortem within five working days.' },
  { id: 'hb-5', text: 'The learning budget is 1200 EUR per person per year.' },
];
