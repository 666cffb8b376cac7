import type Anthropic from '@anthropic-ai/sdk';
import { traceRetrieval, traceTool, traceWorkflow, withContext, withPrompt } from '@sightline/sdk';
import type { DemoClients } from '../clients.ts';
import { CUSTOMERS, pickWeighted } from '../world.ts';
import { inAnthropicIncident, type AppRun, type DemoApp } from './app.ts';
import { ARTICLES, cosine, QUESTIONS, type Article } from './knowledge-base.ts';

/**
 * A RAG support assistant: embeds the question, retrieves help-centre articles, answers with Claude
 * (or an OpenAI model when no Anthropic endpoint is configured), and files a ticket through a tool when
 * the question needs a human.
 */
const SYSTEM = [
  'You are the support assistant of a B2B SaaS company. Answer from the help-centre articles provided;',
  'if they do not cover the question, say so and offer to open a ticket. Never invent policies, prices or dates.',
  'Keep answers under 120 words and end with the article id you relied on.',
].join(' ');

const TOOLS: Anthropic.Tool[] = [
  { name: 'create_ticket', description: 'Open a ticket for the human support team', input_schema: { type: 'object', properties: { subject: { type: 'string' }, priority: { type: 'string', enum: ['low', 'normal', 'high'] } }, required: ['subject', 'priority'] } },
  { name: 'lookup_order', description: 'Find an order or invoice by its number', input_schema: { type: 'object', properties: { reference: { type: 'string' } }, required: ['reference'] } },
];

let index: Promise<{ article: Article; vector: number[] }[]> | undefined;

/** Embeds the articles once per process (an offline indexing job in a real deployment). */
function articleIndex(clients: DemoClients, model: string): Promise<{ article: Article; vector: number[] }[]> {
  index ??= clients.openai.embeddings
    .create({ model, input: ARTICLES.map((a) => `${a.title}\n${a.body}`) })
    .then((res) => ARTICLES.map((article, i) => ({ article, vector: res.data[i]?.embedding ?? [] })));
  index.catch(() => (index = undefined));
  return index;
}

type Scored = { id: string; score: number; article: Article };

/** Vector search when the endpoint embeds; word overlap otherwise (a vLLM chat server has no embeddings). */
async function search(run: AppRun, question: string): Promise<Scored[]> {
  const model = run.clients.embeddingModel;
  let scored: Scored[];
  if (model !== undefined) {
    const indexed = await articleIndex(run.clients, model);
    const embedded = await run.clients.openai.embeddings.create({ model, input: question });
    const queryVector = embedded.data[0]?.embedding ?? [];
    scored = indexed.map(({ article, vector }) => ({ id: article.id, score: cosine(queryVector, vector), article }));
  } else {
    const words = new Set(question.toLowerCase().match(/[a-z]{4,}/g) ?? []);
    scored = ARTICLES.map((article) => {
      const text = `${article.title} ${article.body}`.toLowerCase();
      return { id: article.id, score: [...words].filter((w) => text.includes(w)).length / Math.max(1, words.size), article };
    });
  }
  return scored
    .map((s) => ({ ...s, score: Math.round(s.score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3);
}

function runTool(name: string, input: unknown, run: AppRun): string {
  if (name === 'lookup_order') {
    const ref = (input as { reference?: string }).reference ?? 'unknown';
    return JSON.stringify({ reference: ref, status: run.rng.pick(['shipped', 'processing', 'delivered']), updatedAt: new Date(run.atMs).toISOString() });
  }
  return JSON.stringify({ ticketId: `T-${run.rng.int(10000, 99999)}`, queue: 'tier-2', eta: '4h' });
}

async function answerWithClaude(run: AppRun, anthropic: Anthropic, question: string, context: string, escalate: boolean): Promise<string> {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: `${question}\n\nArticles:\n${context}` }];
  // The long, stable system prompt is marked for caching: later calls read it at a tenth of the price.
  const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }];
  const incident = run.clients.scenario(inAnthropicIncident(run) && run.rng.chance(0.8) ? 'server_error' : undefined);
  for (let round = 0; round < 4; round++) {
    if (!escalate) {
      const stream = anthropic.messages.stream({ model: run.clients.model('claude-haiku-4-5'), max_tokens: 400, system, messages }, incident);
      const final = await stream.finalMessage();
      return final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    }
    const reply = await anthropic.messages.create({ model: run.clients.model('claude-haiku-4-5'), max_tokens: 400, system, messages, tools: TOOLS }, incident);
    const uses = reply.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    if (reply.stop_reason !== 'tool_use' || uses.length === 0) return reply.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    messages.push({ role: 'assistant', content: reply.content });
    const results: Anthropic.ToolResultBlockParam[] = [];
    for (const use of uses) {
      const output = traceTool(use.name, () => runTool(use.name, use.input, run), { arguments: use.input, callId: use.id });
      results.push({ type: 'tool_result', tool_use_id: use.id, content: output });
    }
    messages.push({ role: 'user', content: results });
  }
  return '';
}

async function answerWithOpenAI(run: AppRun, question: string, context: string): Promise<string> {
  const res = await run.clients.openai.chat.completions.create({
    model: run.clients.model('gpt-4o-mini'),
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: `${question}\n\nArticles:\n${context}` },
    ],
  });
  return res.choices[0]?.message.content ?? '';
}

export const supportAssistant: DemoApp = {
  service: 'support-assistant',
  weight: 0.35,
  async run(run) {
    const customer = pickWeighted(run.rng, CUSTOMERS);
    const q = run.rng.pick(QUESTIONS);
    const day = new Date(run.atMs).toISOString().slice(0, 10);
    // A customer's questions on one day form a conversation: the viewer groups them as one session.
    const session = `chat_${customer.id}_${day}_${run.rng.int(0, 1)}`;
    await withContext({ userId: customer.id, sessionId: session, metadata: { plan: customer.team } }, () =>
      traceWorkflow('support-answer', async (span) => {
        run.register(span);
        const docs = await traceRetrieval(q.text, () => search(run, q.text), { dataSourceId: 'help-centre' });
        const context = docs.map((d) => `[${d.article.id}] ${d.article.title}: ${d.article.body}`).join('\n');
        const anthropic = run.clients.anthropic;
        return withPrompt({ name: 'support-answer', version: 3 }, () =>
          anthropic !== undefined ? answerWithClaude(run, anthropic, q.text, context, q.escalate) : answerWithOpenAI(run, q.text, context),
        );
      }),
    );
  },
};
