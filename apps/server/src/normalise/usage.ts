import type { Convention } from '@sightline/contracts';
import { normaliseProvider, type Usage } from '@sightline/pricing';
import type { Attributes } from '../ingest/decoded-span.ts';
import { numberOf, parseJson, str } from './attributes.ts';

// Token keys per convention, most specific first: current GenAI, deprecated GenAI / OpenLLMetry,
// OpenInference, Vercel AI SDK v5 then v4.
const INPUT = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'ai.usage.inputTokens', 'ai.usage.promptTokens', 'llm.usage.prompt_tokens'];
const OUTPUT = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'ai.usage.outputTokens', 'ai.usage.completionTokens', 'llm.usage.completion_tokens'];
const CACHE_READ = ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'llm.token_count.prompt_details.cache_read', 'ai.usage.cachedInputTokens'];
const CACHE_WRITE = ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'llm.token_count.prompt_details.cache_write'];
const REASONING = ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens', 'llm.usage.reasoning_tokens', 'llm.token_count.completion_details.reasoning', 'ai.usage.reasoningTokens'];
const AUDIO_IN = ['llm.token_count.prompt_details.audio'];
const AUDIO_OUT = ['llm.token_count.completion_details.audio'];

const PROVIDER_SPELLINGS: Record<string, string> = {
  google: 'gcp.gemini', 'google.generative-ai': 'gcp.gemini', gemini: 'gcp.gemini', vertex: 'gcp.vertex_ai',
  'google.vertex': 'gcp.vertex_ai', vertexai: 'gcp.vertex_ai', azure: 'azure.ai.openai', 'azure-openai': 'azure.ai.openai',
  'amazon-bedrock': 'aws.bedrock', bedrock: 'aws.bedrock', mistral: 'mistral_ai', xai: 'x_ai', togetherai: 'together',
};

/** The provider in OTel GenAI spelling, whatever the convention wrote (`Anthropic`, `openai.chat`, ...). */
export function providerOf(attrs: Attributes): string {
  let p = str(attrs, 'gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system').toLowerCase();
  if (p === '') {
    // Vercel writes `<provider>.<api>`: openai.chat, anthropic.messages, google.generative-ai.
    const vercel = str(attrs, 'ai.model.provider').toLowerCase();
    p = vercel.startsWith('google.') ? vercel.split('.').slice(0, 2).join('.') : (vercel.split('.')[0] ?? '');
  }
  if (p.endsWith('.chat') || p.endsWith('.messages') || p.endsWith('.responses')) p = p.slice(0, p.lastIndexOf('.'));
  return PROVIDER_SPELLINGS[p] ?? p;
}

export function modelsOf(attrs: Attributes): { request: string; response: string } {
  return {
    request: str(attrs, 'gen_ai.request.model', 'llm.model_name', 'ai.model.id', 'embedding.model_name'),
    response: str(attrs, 'gen_ai.response.model', 'ai.response.model'),
  };
}

function first(attrs: Attributes, keys: readonly string[], bad: string[]): number | undefined {
  for (const k of keys) {
    const n = numberOf(attrs[k]);
    if (n === undefined) continue;
    if (n < 0 || !Number.isInteger(n) || n > 1e12) {
      bad.push(k);
      continue;
    }
    return n;
  }
  return undefined;
}

export interface ExtractedUsage {
  usage: Usage;
  /** Whether any token count was reported at all. */
  present: boolean;
  diagnostics: string[];
}

/**
 * Token counts in one meaning (input includes cache reads and writes; reasoning is part of output).
 * Anthropic reports cache tokens apart from input; conventions that pass its numbers through
 * (deprecated GenAI, Vercel) get them added back. Remaining violations are clamped, with a diagnostic.
 */
export function extractUsage(attrs: Attributes, convention: Convention, provider: string, model: string): ExtractedUsage {
  const diagnostics: string[] = [];
  const bad: string[] = [];
  let input = first(attrs, INPUT, bad);
  let output = first(attrs, OUTPUT, bad);
  const cacheRead = first(attrs, CACHE_READ, bad) ?? 0;
  let cacheWrite = first(attrs, CACHE_WRITE, bad) ?? 0;
  let reasoning = first(attrs, REASONING, bad) ?? 0;
  const audioIn = first(attrs, AUDIO_IN, bad) ?? 0;
  const audioOut = first(attrs, AUDIO_OUT, bad) ?? 0;
  if (bad.length > 0) diagnostics.push(`usage.invalid: token count not a plausible integer, ignored (${bad.join(', ')})`);

  const family = normaliseProvider(provider) || (/claude/i.test(model) ? 'anthropic' : /gemini/i.test(model) ? 'google' : '');
  const isAnthropic = family === 'anthropic' || (provider === 'aws.bedrock' && /claude/i.test(model));
  if (convention === 'vercel-ai' && isAnthropic) {
    const meta = parseJson(str(attrs, 'ai.response.providerMetadata')) as { anthropic?: { cacheCreationInputTokens?: unknown } } | undefined;
    const written = meta?.anthropic?.cacheCreationInputTokens;
    if (typeof written === 'number' && written > 0 && cacheWrite === 0) cacheWrite = Math.trunc(written);
  }
  const present = input !== undefined || output !== undefined;
  input ??= 0;
  output ??= 0;

  const cached = cacheRead + cacheWrite;
  const passesRawAnthropic = isAnthropic && (convention === 'otel-genai-deprecated' || convention === 'vercel-ai');
  if (cached > 0 && (passesRawAnthropic || (isAnthropic && cached > input))) {
    input += cached;
    diagnostics.push('usage.adjusted: anthropic input excluded cache tokens (added)');
  } else if (cached > input) {
    diagnostics.push('usage.invalid: cached tokens > input tokens (clamped)');
  }
  const readKept = Math.min(cacheRead, input);
  const writeKept = Math.min(cacheWrite, input - readKept);

  // Vercel passes Gemini's thinking apart from candidates; Gemini bills it as output.
  if (reasoning > 0 && convention === 'vercel-ai' && family === 'google') {
    output += reasoning;
    diagnostics.push('usage.adjusted: reasoning tokens reported apart from output (added)');
  } else if (reasoning > output) {
    diagnostics.push('usage.invalid: reasoning tokens > output tokens (clamped)');
    reasoning = output;
  }

  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: readKept,
    cacheWriteTokens: writeKept,
    reasoningTokens: reasoning,
  };
  if (audioIn > 0) usage.audioInputTokens = Math.min(audioIn, input - readKept - writeKept);
  if (audioOut > 0) usage.audioOutputTokens = Math.min(audioOut, output - reasoning);
  return { usage, present, diagnostics };
}
