import type { Usage } from './types.ts';

/*
 * Provider usage payloads → Sightline's one meaning of usage (see `Usage`). They take `unknown`
 * because they read what came over the wire: a missing or non-numeric field counts as 0.
 */

function num(obj: unknown, ...path: string[]): number {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return 0;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'number' && Number.isFinite(cur) && cur > 0 ? Math.trunc(cur) : 0;
}

function withDuration(u: Usage, durationMs: number | undefined): Usage {
  return durationMs === undefined ? u : { ...u, durationMs };
}

/**
 * OpenAI Chat Completions `usage` (also DeepSeek, vLLM, Groq and other compatible servers).
 * `prompt_tokens` already includes cached and audio tokens; DeepSeek reports its cache hits as
 * `prompt_cache_hit_tokens` instead of `prompt_tokens_details.cached_tokens`.
 */
export function usageFromOpenAI(usage: unknown, opts: { durationMs?: number } = {}): Usage {
  const cached = num(usage, 'prompt_tokens_details', 'cached_tokens') || num(usage, 'prompt_cache_hit_tokens');
  const u: Usage = {
    inputTokens: num(usage, 'prompt_tokens'),
    outputTokens: num(usage, 'completion_tokens'),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: num(usage, 'completion_tokens_details', 'reasoning_tokens'),
  };
  const audioIn = num(usage, 'prompt_tokens_details', 'audio_tokens');
  const audioOut = num(usage, 'completion_tokens_details', 'audio_tokens');
  if (audioIn > 0) u.audioInputTokens = audioIn;
  if (audioOut > 0) u.audioOutputTokens = audioOut;
  return withDuration(u, opts.durationMs);
}

/** A vLLM (OpenAI-compatible) response: the same usage, plus the call's duration for GPU-hour prices. */
export function usageFromVllm(usage: unknown, durationMs: number): Usage {
  return usageFromOpenAI(usage, { durationMs });
}

/** OpenAI Responses API `usage`: input_tokens includes `input_tokens_details.cached_tokens`. */
export function usageFromOpenAIResponses(usage: unknown): Usage {
  return {
    inputTokens: num(usage, 'input_tokens'),
    outputTokens: num(usage, 'output_tokens'),
    cacheReadTokens: num(usage, 'input_tokens_details', 'cached_tokens'),
    cacheWriteTokens: 0,
    reasoningTokens: num(usage, 'output_tokens_details', 'reasoning_tokens'),
  };
}

/** OpenAI embeddings `usage` (`prompt_tokens`, `total_tokens`): input only. */
export function usageFromOpenAIEmbeddings(usage: unknown): Usage {
  return {
    inputTokens: num(usage, 'prompt_tokens') || num(usage, 'total_tokens'),
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/**
 * Anthropic Messages `usage`. Anthropic's `input_tokens` EXCLUDES cache reads and writes, so they are
 * added back. `cache_creation.ephemeral_1h_input_tokens` is the part of the writes with a 1-hour TTL.
 */
export function usageFromAnthropic(usage: unknown): Usage {
  const read = num(usage, 'cache_read_input_tokens');
  const split5m = num(usage, 'cache_creation', 'ephemeral_5m_input_tokens');
  const split1h = num(usage, 'cache_creation', 'ephemeral_1h_input_tokens');
  const write = Math.max(num(usage, 'cache_creation_input_tokens'), split5m + split1h);
  const u: Usage = {
    inputTokens: num(usage, 'input_tokens') + read + write,
    outputTokens: num(usage, 'output_tokens'),
    cacheReadTokens: read,
    cacheWriteTokens: write,
    reasoningTokens: 0,
  };
  if (split1h > 0) u.cacheWrite1hTokens = split1h;
  return u;
}

/**
 * Gemini `usageMetadata`. `promptTokenCount` includes `cachedContentTokenCount`; thinking is reported
 * apart from `candidatesTokenCount` but billed as output, so it is added to output.
 */
export function usageFromGemini(usageMetadata: unknown): Usage {
  const thoughts = num(usageMetadata, 'thoughtsTokenCount');
  const u: Usage = {
    inputTokens: num(usageMetadata, 'promptTokenCount') + num(usageMetadata, 'toolUsePromptTokenCount'),
    outputTokens: num(usageMetadata, 'candidatesTokenCount') + thoughts,
    cacheReadTokens: num(usageMetadata, 'cachedContentTokenCount'),
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
  const details = (usageMetadata as { promptTokensDetails?: unknown } | null)?.promptTokensDetails;
  if (Array.isArray(details)) {
    const audio = details.filter((d) => (d as { modality?: unknown })?.modality === 'AUDIO');
    const audioTokens = audio.reduce((s: number, d) => s + num(d, 'tokenCount'), 0);
    if (audioTokens > 0) u.audioInputTokens = audioTokens;
  }
  return u;
}
