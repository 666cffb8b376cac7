/** Where an OpenAI-compatible client really sends its calls. */
export interface ServerInfo {
  provider: string;
  address?: string;
  port?: number;
}

// Host suffix → `gen_ai.provider.name`. Well-known values follow the GenAI conventions
// (`azure.ai.openai`, `x_ai`, ...); the rest use the service's own short name.
const HOSTS: Array<[string, string]> = [
  ['api.openai.com', 'openai'],
  ['openai.azure.com', 'azure.ai.openai'],
  ['services.ai.azure.com', 'azure.ai.inference'],
  ['api.groq.com', 'groq'],
  ['api.together.xyz', 'together'],
  ['api.together.ai', 'together'],
  ['api.fireworks.ai', 'fireworks'],
  ['api.deepseek.com', 'deepseek'],
  ['api.mistral.ai', 'mistral_ai'],
  ['openrouter.ai', 'openrouter'],
  ['api.x.ai', 'x_ai'],
  ['api.perplexity.ai', 'perplexity'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['api.anthropic.com', 'anthropic'],
  ['api.cerebras.ai', 'cerebras'],
  ['inference.baseten.co', 'baseten'],
];

/**
 * Names the server behind a base URL. Local ports follow each server's default: 11434 Ollama,
 * 1234 LM Studio, 8000 vLLM (its OpenAI server's default); any other self-hosted `/v1` endpoint is
 * reported as `openai_compatible` rather than claiming it is OpenAI.
 */
export function detectServer(baseURL: string | undefined, defaultProvider: string): ServerInfo {
  if (!baseURL) return { provider: defaultProvider };
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return { provider: 'openai_compatible' };
  }
  const host = url.hostname.toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const info = (provider: string): ServerInfo => ({ provider, address: host, port });
  for (const [suffix, provider] of HOSTS) {
    if (host === suffix || host.endsWith(`.${suffix}`)) return info(provider);
  }
  const hint = `${host}${url.pathname}`.toLowerCase();
  if (hint.includes('vllm')) return info('vllm');
  if (hint.includes('ollama') || port === 11434) return info('ollama');
  if (hint.includes('lmstudio') || hint.includes('lm-studio') || port === 1234) return info('lmstudio');
  if (hint.includes('sglang') || port === 30000) return info('sglang');
  if (hint.includes('tgi') || hint.includes('text-generation')) return info('tgi');
  if (port === 8000) return info('vllm');
  return info(defaultProvider === 'anthropic' ? 'anthropic' : 'openai_compatible');
}
