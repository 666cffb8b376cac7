import type OpenAI from 'openai';
import { traceTool, traceWorkflow, withContext, withPrompt } from '@sightline/sdk';

/**
 * Three everyday uses of a wrapped `openai` client. Nothing here mentions tracing except the two
 * helpers that add meaning the client cannot know: the prompt version and the tool execution.
 */

export const MODEL = 'gpt-4o-mini';

/** A plain chat completion: one LLM span with prompt, output, tokens and cost. */
export async function plainChat(openai: OpenAI, question: string): Promise<string> {
  const res = await withPrompt({ name: 'faq-answer', version: 2 }, () =>
    openai.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Answer in two sentences.' },
        { role: 'user', content: question },
      ],
    }),
  );
  return res.choices[0]?.message.content ?? '';
}

/** A streamed completion: the span also records time to first token; ask for usage in the stream. */
export async function streamingChat(openai: OpenAI, question: string): Promise<string> {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: question }],
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

const WEATHER_TOOL: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

function getWeather(city: string): { city: string; tempC: number; sky: string } {
  return { city, tempC: 21, sky: 'clear' };
}

/** A tool-calling loop: LLM call, tool span, LLM call again, all in one workflow trace. */
export async function toolCalling(openai: OpenAI, question: string): Promise<string> {
  return traceWorkflow('weather-question', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
    for (let round = 0; round < 5; round++) {
      const res = await openai.chat.completions.create({ model: MODEL, messages, tools: [WEATHER_TOOL] });
      const msg = res.choices[0]?.message;
      const calls = (msg?.tool_calls ?? []).filter((c) => c.type === 'function');
      if (msg === undefined || calls.length === 0) return msg?.content ?? '';
      messages.push(msg);
      for (const call of calls) {
        const args = JSON.parse(call.function.arguments) as { city: string };
        const result = traceTool('get_weather', () => getWeather(args.city), { arguments: args, callId: call.id });
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
      }
    }
    throw new Error('the model kept calling tools');
  });
}

/** Runs the three, as one user in one session so the viewer groups them. */
export async function runExamples(openai: OpenAI, log: (line: string) => void): Promise<void> {
  await withContext({ userId: 'user-123', sessionId: 'session-abc' }, async () => {
    log(`plain:     ${await plainChat(openai, 'What is OpenTelemetry?')}`);
    log(`streaming: ${await streamingChat(openai, 'Name three rivers in Portugal.')}`);
    log(`tools:     ${await toolCalling(openai, 'Should I take an umbrella in Lisbon today?')}`);
  });
}
