import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { wrapAnthropic, wrapOpenAI } from '@sightline/sdk';

/** Where the demo's LLM calls go: the bundled simulator, or a real OpenAI-compatible endpoint. */
export interface LlmTarget {
  openaiBaseURL: string;
  openaiApiKey: string;
  /** Unset when no Anthropic endpoint is available; the support assistant then answers with OpenAI. */
  anthropicBaseURL?: string | undefined;
  anthropicApiKey?: string | undefined;
  /** True for the simulator: the apps may then steer it with `x-simulator-scenario`. */
  simulated: boolean;
  /** vLLM and friends serve one model: every chat call then uses it. */
  modelOverride?: string | undefined;
  /**
   * The embeddings model, or undefined when the endpoint has none (a vLLM chat server): retrieval
   * then falls back to lexical scoring.
   */
  embeddingModel?: string | undefined;
}

export interface DemoClients {
  openai: OpenAI;
  anthropic: Anthropic | undefined;
  /** The model to request: `name`, unless the target serves one model only. */
  model(name: string): string;
  /** The embeddings model, or undefined when the endpoint cannot embed. */
  embeddingModel: string | undefined;
  /** Request options asking the simulator for a scenario; nothing against a real endpoint. */
  scenario(name: 'invalid_json' | 'tool_call' | 'server_error' | undefined): { headers?: Record<string, string> };
}

export function createClients(target: LlmTarget, opts: { maxRetries: number; timeoutMs: number }): DemoClients {
  // Against the simulator the calls stand in for api.openai.com, so they are recorded (and priced) as
  // OpenAI's; against a real endpoint the SDK detects the provider from the base URL (vLLM, Ollama...).
  const openai = wrapOpenAI(
    new OpenAI({ baseURL: target.openaiBaseURL, apiKey: target.openaiApiKey, maxRetries: opts.maxRetries, timeout: opts.timeoutMs }),
    target.simulated ? { provider: 'openai' } : {},
  );
  const anthropic =
    target.anthropicBaseURL !== undefined && target.anthropicApiKey !== undefined
      ? wrapAnthropic(
          // Part of the story: the support team never configured retries, so Claude's rate limits and
          // overloads reach users; Sightline's failure breakdown shows it.
          // openTelemetry: false — @anthropic-ai/sdk ≥ 1.x emits its own GenAI span per call once a
          // tracer provider is registered; with wrapAnthropic's span that would count each call twice.
          new Anthropic({ baseURL: target.anthropicBaseURL, apiKey: target.anthropicApiKey, maxRetries: 0, timeout: opts.timeoutMs, openTelemetry: false }),
          target.simulated ? { provider: 'anthropic' } : {},
        )
      : undefined;
  return {
    openai,
    anthropic,
    model: (name) => target.modelOverride ?? name,
    embeddingModel: 'embeddingModel' in target ? target.embeddingModel : 'text-embedding-3-small',
    scenario: (name) => (target.simulated && name !== undefined ? { headers: { 'x-simulator-scenario': name } } : {}),
  };
}
