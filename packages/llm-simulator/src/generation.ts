import type { Rng } from './determinism.ts';
import { hash32 } from './determinism.ts';
import { sampleFromSchema } from './json-schema-sample.ts';
import type { Scenario } from './scenario.ts';
import { estimateTokens, generateText, topicWords } from './text.ts';

/** A function tool as every dialect describes it: a name and a JSON Schema of its arguments. */
export interface ToolSpec {
  name: string;
  parameters: unknown;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** What one completion is asked for, once each dialect's request has been read. */
export interface GenerationInput {
  model: string;
  promptText: string;
  lastUserText: string;
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  /** Tool results already returned since the last user message (agent loop progress). */
  toolRoundsThisTurn: number;
  jsonSchema?: unknown;
  jsonObject?: boolean;
  maxOutputTokens?: number | undefined;
  scenario: Scenario | undefined;
  invalidJson: boolean;
  parallelToolCalls: boolean;
  toolCallIdPrefix: string;
}

export interface GeneratedToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Generation {
  text: string;
  toolCalls: GeneratedToolCall[];
  outputTokens: number;
  reasoningTokens: number;
  finish: 'stop' | 'length' | 'tool_calls';
}

/** o-series and gpt-5 style models think before answering and bill those tokens as output. */
export function isReasoningModel(model: string): boolean {
  const base = model.split('/').pop() ?? model;
  return /^(o\d|gpt-5)/i.test(base);
}

/** Prompt-cache hits the way OpenAI reports them: only for prompts of 1024+ tokens, in 128-token steps. */
export function automaticCachedTokens(rng: Rng, promptTokens: number): number {
  if (promptTokens < 1024 || !rng.chance(0.7)) return 0;
  return Math.floor((promptTokens * (0.5 + rng.next() * 0.45)) / 128) * 128;
}

function wantsToolCall(rng: Rng, input: GenerationInput): boolean {
  if (input.tools.length === 0 || input.toolChoice === 'none') return false;
  // Forced only before the first tool result of the turn, so an agent loop driven by a marker in the
  // user message still converges once the tool has answered.
  if (input.scenario === 'tool_call' && input.toolRoundsThisTurn === 0) return true;
  if (input.toolChoice === 'required' || typeof input.toolChoice === 'object') return input.toolRoundsThisTurn === 0;
  // An agent turn takes one to three tool rounds, fixed by the user's message, then answers in text.
  const rounds = 1 + (hash32(input.lastUserText) % 3);
  return input.toolRoundsThisTurn < rounds && rng.next() < 0.95;
}

export function generate(rng: Rng, input: GenerationInput): Generation {
  const reasoningTokens = isReasoningModel(input.model) ? rng.int(2, 24) * 32 : 0;
  const limit = input.maxOutputTokens;
  const topics = topicWords(input.lastUserText || input.promptText);

  if (wantsToolCall(rng, input)) {
    const named = typeof input.toolChoice === 'object' ? input.tools.find((t) => t.name === (input.toolChoice as { name: string }).name) : undefined;
    const first = named ?? rng.pick(input.tools);
    const chosen = [first];
    if (named === undefined && input.parallelToolCalls && input.tools.length > 1 && rng.chance(0.25)) {
      chosen.push(rng.pick(input.tools.filter((t) => t !== first)));
    }
    const toolCalls = chosen.map((tool) => ({
      id: `${input.toolCallIdPrefix}${rng.hex(24)}`,
      name: tool.name,
      arguments: JSON.stringify(sampleFromSchema(tool.parameters, rng)),
    }));
    const outputTokens = toolCalls.reduce((sum, c) => sum + estimateTokens(c.name) + estimateTokens(c.arguments) + 3, 0);
    return { text: '', toolCalls, outputTokens: outputTokens + reasoningTokens, reasoningTokens, finish: 'tool_calls' };
  }

  let text: string;
  if (input.jsonSchema !== undefined) {
    text = JSON.stringify(sampleFromSchema(input.jsonSchema, rng));
  } else if (input.jsonObject === true) {
    text = JSON.stringify({ answer: generateText(rng, rng.int(10, 40), topics) });
  } else {
    text = generateText(rng, rng.int(30, 220), topics);
  }
  if (input.invalidJson && (input.jsonSchema !== undefined || input.jsonObject === true)) {
    // Cut mid-value: the kind of broken JSON a model emits when it stops early or rambles.
    text = text.slice(0, Math.max(1, Math.floor(text.length * 0.6)));
  }
  let finish: Generation['finish'] = 'stop';
  let visible = estimateTokens(text);
  if (limit !== undefined && visible + reasoningTokens > limit) {
    const room = Math.max(0, limit - reasoningTokens);
    text = text.slice(0, room * 4);
    visible = estimateTokens(text);
    finish = 'length';
  }
  return { text, toolCalls: [], outputTokens: visible + Math.min(reasoningTokens, limit ?? reasoningTokens), reasoningTokens: Math.min(reasoningTokens, limit ?? reasoningTokens), finish };
}
