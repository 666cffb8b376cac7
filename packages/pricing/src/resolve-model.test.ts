import { describe, expect, it } from 'vitest';
import { resolveModel } from './resolve-model.ts';

describe('resolveModel', () => {
  it.each([
    ['openai', 'gpt-4o-2024-08-06', 'openai/gpt-4o'],
    ['openai', 'gpt-4o', 'openai/gpt-4o'],
    ['openai', 'gpt-4o-2024-05-13', 'openai/gpt-4o-2024-05-13'],
    ['openai', 'gpt-4o-mini-2024-07-18', 'openai/gpt-4o-mini'],
    ['openai', 'gpt-3.5-turbo-0125', 'openai/gpt-3.5-turbo'],
    ['openai', 'gpt-4-1106-preview', 'openai/gpt-4-turbo'],
    ['openai', 'gpt-5-chat-latest', 'openai/gpt-5'],
    ['openai', 'gpt-4o-audio-preview-2024-12-17', 'openai/gpt-4o-audio-preview'],
    ['', 'openai/gpt-4.1-mini', 'openai/gpt-4.1-mini'],
    ['openrouter', 'anthropic/claude-3.5-haiku', null],
    ['openrouter', 'anthropic/claude-3-5-haiku', 'anthropic/claude-3-5-haiku'],
    ['azure.ai.openai', 'gpt-4o-mini', 'openai/gpt-4o-mini'],
    ['anthropic', 'claude-3-5-sonnet-20241022', 'anthropic/claude-3-5-sonnet'],
    ['anthropic', 'claude-3-5-sonnet-latest', 'anthropic/claude-3-5-sonnet'],
    ['anthropic', 'claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4-5'],
    ['aws.bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'anthropic/claude-sonnet-4'],
    ['gcp.vertex_ai', 'claude-3-5-sonnet-v2@20241022', 'anthropic/claude-3-5-sonnet'],
    ['gcp.gemini', 'models/gemini-2.5-flash', 'google/gemini-2.5-flash'],
    ['google', 'gemini-2.5-flash-lite-preview-06-17', 'google/gemini-2.5-flash-lite'],
    ['gcp.vertex_ai', 'gemini-1.5-pro-002', 'google/gemini-1.5-pro'],
    ['mistral_ai', 'mistral-large-2411', 'mistral/mistral-large'],
    ['mistral_ai', 'mistral-small-latest', 'mistral/mistral-small'],
    ['deepseek', 'deepseek-reasoner', 'deepseek/deepseek-reasoner'],
    ['openai', 'deepseek-chat', 'deepseek/deepseek-chat'],
    ['x_ai', 'grok-4-0709', 'xai/grok-4'],
    ['groq', 'llama-3.3-70b-versatile', 'groq/llama-3.3-70b-versatile'],
    ['groq', 'qwen/qwen3-32b', 'groq/qwen/qwen3-32b'],
    ['together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together/meta-llama/llama-3.3-70b-instruct-turbo'],
    ['fireworks', 'accounts/fireworks/models/llama-v3p1-8b-instruct', 'fireworks/llama-v3p1-8b-instruct'],
    ['openai', 'text-embedding-3-large', 'openai/text-embedding-3-large'],
    ['OpenAI', ' GPT-4o ', 'openai/gpt-4o'],
  ])('%s %s → %s', (provider, model, key) => {
    expect(resolveModel(provider, model)?.key ?? null).toBe(key);
  });

  it('leaves unknown and look-alike models unpriced rather than priced as a cousin', () => {
    expect(resolveModel('openai', 'gpt-4o-mini-realtime-preview')).toBeNull();
    expect(resolveModel('openai', 'meta-llama/Llama-3.1-8B-Instruct')).toBeNull();
    expect(resolveModel('vllm', 'Qwen/Qwen2.5-7B-Instruct')).toBeNull();
    // A host's price is its own: groq serving a model it does not list is not guessed from elsewhere.
    expect(resolveModel('groq', 'openai/gpt-4o')).toBeNull();
    expect(resolveModel('', '')).toBeNull();
  });
});
