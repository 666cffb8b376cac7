import type OpenAI from 'openai';
import { traceAgent, traceTool, traceWorkflow, withContext, withPrompt } from '@sightline/sdk';
import { pickWeighted, sessionId, TRAVELLERS } from '../world.ts';
import type { AppRun, DemoApp } from './app.ts';

/**
 * A small travel agent: the model plans, calls flight, weather and hotel tools, and answers when it
 * has what it needs. Each tool call is its own span under the agent span, between the LLM calls.
 */
const TOOLS: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'search_flights', description: 'Find flights between two cities on a date', parameters: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, date: { type: 'string', format: 'date' } }, required: ['from', 'to', 'date'], additionalProperties: false } } },
  { type: 'function', function: { name: 'get_weather', description: 'Weather forecast for a city', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city', 'days'], additionalProperties: false } } },
  { type: 'function', function: { name: 'find_hotels', description: 'Hotels near an address under a nightly budget', parameters: { type: 'object', properties: { near: { type: 'string' }, maxPricePerNight: { type: 'number', minimum: 50, maximum: 500 } }, required: ['near', 'maxPricePerNight'], additionalProperties: false } } },
];

const TRIPS = [
  'Plan a two-day trip from Berlin to Lisbon next Tuesday for the customer workshop.',
  'I need to be in Stockholm on Monday morning from London, somewhere close to the office.',
  'Book me something for the Madrid conference, flying from Paris, budget hotel please.',
  'What is the best way to get from Amsterdam to Milan on Thursday, and will it rain?',
] as const;

const MAX_ROUNDS = 6;

function runTool(run: AppRun, name: string, args: Record<string, unknown>): unknown {
  switch (name) {
    case 'search_flights':
      return Array.from({ length: 3 }, (_, i) => ({ flight: `TP${run.rng.int(100, 999)}`, departs: `0${6 + i * 3}:${run.rng.int(10, 59)}`, priceEur: run.rng.int(79, 420) }));
    case 'get_weather':
      return { city: args.city, forecast: Array.from({ length: Number(args.days ?? 2) }, () => run.rng.pick(['sunny', 'cloudy', 'rain', 'windy'])) };
    case 'find_hotels':
      return Array.from({ length: 2 }, () => ({ hotel: `Hotel ${run.rng.pick(['Aurora', 'Central', 'Riverside', 'Atlântico'])}`, priceEur: run.rng.int(80, 260) }));
    default:
      throw new Error(`unknown tool ${name}`);
  }
}

export const tripAgent: DemoApp = {
  service: 'travel-agent',
  weight: 0.2,
  async run(run) {
    const user = pickWeighted(run.rng, TRAVELLERS);
    const request = run.rng.pick(TRIPS);
    // The agent moved to o4-mini for better planning; a few users are still on gpt-4.1 by config.
    const model = run.clients.model(run.rng.chance(0.7) ? 'o4-mini' : 'gpt-4.1');
    await withContext({ userId: user.id, sessionId: sessionId(run.rng, 'trip'), metadata: { team: user.team } }, () =>
      traceWorkflow('plan-trip', async (root) => {
        run.register(root);
        return traceAgent('trip-planner', () =>
          withPrompt({ name: 'trip-planner', version: 2 }, async () => {
            const messages: OpenAI.ChatCompletionMessageParam[] = [
              { role: 'system', content: 'You are a corporate travel agent. Use the tools, respect the travel policy (economy, hotels under 250 EUR), then propose one plan.' },
              { role: 'user', content: request },
            ];
            for (let round = 0; round < MAX_ROUNDS; round++) {
              const res = await run.clients.openai.chat.completions.create({ model, messages, tools: TOOLS });
              const msg = res.choices[0]?.message;
              if (msg === undefined) throw new Error('the model returned no choice');
              const calls = (msg.tool_calls ?? []).filter((c) => c.type === 'function');
              if (calls.length === 0) return msg.content ?? '';
              messages.push(msg);
              for (const call of calls) {
                let args: Record<string, unknown>;
                try {
                  args = JSON.parse(call.function.arguments) as Record<string, unknown>;
                } catch (error) {
                  // Bad arguments go back to the model as a tool error, as a real agent loop does.
                  messages.push({ role: 'tool', tool_call_id: call.id, content: `invalid arguments: ${(error as Error).message}` });
                  continue;
                }
                const result = traceTool(call.function.name, () => runTool(run, call.function.name, args), { arguments: args, callId: call.id });
                messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
              }
            }
            throw new Error(`the agent did not finish within ${MAX_ROUNDS} rounds`);
          }),
        );
      }),
    );
  },
};
