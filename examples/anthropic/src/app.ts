import type Anthropic from '@anthropic-ai/sdk';
import { traceTool, traceWorkflow, withContext, withPrompt } from '@sightline/sdk';

/** A wrapped `@anthropic-ai/sdk` client: messages, streaming, prompt caching and tool use. */

export const MODEL = 'claude-haiku-4-5';

// A long, stable system prompt marked for caching: the span records cache reads and writes, and the
// cost explanation prices them at their own rates.
const SYSTEM: Anthropic.TextBlockParam[] = [
  { type: 'text', text: 'You are a concise assistant for an engineering team. Prefer bullet points. Cite sources when you use them.', cache_control: { type: 'ephemeral' } },
];

export async function ask(anthropic: Anthropic, question: string): Promise<string> {
  const msg = await withPrompt({ name: 'team-assistant', version: 1 }, () =>
    anthropic.messages.create({ model: MODEL, max_tokens: 300, system: SYSTEM, messages: [{ role: 'user', content: question }] }),
  );
  return msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

/** Streaming with the SDK's helper: the span ends when the stream does, with usage from message_delta. */
export async function askStreaming(anthropic: Anthropic, question: string): Promise<string> {
  const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 300, messages: [{ role: 'user', content: question }] });
  const final = await stream.finalMessage();
  return final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

const TOOLS: Anthropic.Tool[] = [
  {
    name: 'lookup_incident',
    description: 'Find an incident by id in the on-call tracker',
    input_schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  },
];

function lookupIncident(id: string): { id: string; status: string; owner: string } {
  return { id, status: 'mitigated', owner: 'payments on-call' };
}

/** tool_use → tool span → tool_result → answer, in one workflow trace. */
export async function askWithTools(anthropic: Anthropic, question: string): Promise<string> {
  return traceWorkflow('incident-question', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: question }];
    for (let round = 0; round < 5; round++) {
      const msg = await anthropic.messages.create({ model: MODEL, max_tokens: 400, tools: TOOLS, messages });
      const uses = msg.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      if (msg.stop_reason !== 'tool_use' || uses.length === 0) return msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      messages.push({ role: 'assistant', content: msg.content });
      messages.push({
        role: 'user',
        content: uses.map((use) => {
          const input = use.input as { id?: string };
          const result = traceTool(use.name, () => lookupIncident(input.id ?? 'unknown'), { arguments: input, callId: use.id });
          return { type: 'tool_result' as const, tool_use_id: use.id, content: JSON.stringify(result) };
        }),
      });
    }
    throw new Error('the model kept calling tools');
  });
}

export async function runExamples(anthropic: Anthropic, log: (line: string) => void): Promise<void> {
  await withContext({ userId: 'engineer-7', sessionId: 'oncall-handover' }, async () => {
    log(`message:   ${await ask(anthropic, 'Summarise what changed in the deploy pipeline this week.')}`);
    log(`streaming: ${await askStreaming(anthropic, 'List three risks of the migration.')}`);
    log(`tools:     ${await askWithTools(anthropic, 'What is the status of incident INC-4821?')}`);
  });
}
