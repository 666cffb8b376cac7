import { BUNDLED_TABLE } from './table/index.ts';

/**
 * Provider names as instrumentations spell them (GenAI `gen_ai.provider.name` / `gen_ai.system`,
 * OpenLLMetry, OpenInference, Vercel, LiteLLM) mapped to the table's providers. Resellers that bill
 * first-party list prices (Azure OpenAI, Bedrock, Vertex, OpenRouter) map to '' so the model's own
 * family decides; hosts with their own prices for open weights keep their name and are never guessed.
 */
const PROVIDER_NAMES: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'gcp.gemini': 'google', 'gcp.gen_ai': 'google', google: 'google', gemini: 'google', google_genai: 'google',
  'google.generative-ai': 'google', 'google-genai': 'google', 'google.vertex': '', vertexai: '',
  'gcp.vertex_ai': '', vertex_ai: '', 'vertex-ai': '',
  'azure.ai.openai': '', 'az.ai.openai': '', azure: '', azure_openai: '', 'azure-openai': '', 'azure.ai.inference': '',
  'aws.bedrock': '', bedrock: '', 'amazon-bedrock': '', openrouter: '', litellm: '',
  mistral_ai: 'mistral', mistral: 'mistral', mistralai: 'mistral',
  deepseek: 'deepseek', x_ai: 'xai', xai: 'xai', 'x-ai': 'xai',
  groq: 'groq', together: 'together', together_ai: 'together', togetherai: 'together',
  fireworks: 'fireworks', fireworks_ai: 'fireworks', 'fireworks-ai': 'fireworks',
};

/** Hosts price the same open weights differently: a miss there must stay a miss, not a guess. */
const HOSTS = new Set(['groq', 'together', 'fireworks']);

const FAMILIES: readonly (readonly [RegExp, string])[] = [
  [/^(gpt-|o\d|chatgpt-|text-embedding-(3|ada)|davinci|babbage)/, 'openai'],
  [/^claude/, 'anthropic'],
  [/^(gemini|text-embedding-004)/, 'google'],
  [/^(mistral|ministral|codestral|pixtral|magistral|open-mistral|open-mixtral|devstral)/, 'mistral'],
  [/^deepseek/, 'deepseek'],
  [/^grok/, 'xai'],
];

/**
 * One step of name cleaning each; applied in order until a name is known. Only shapes providers
 * really use are stripped, so an unknown variant ends unpriced rather than priced as a cousin.
 */
const STRIP_STEPS: readonly RegExp[] = [
  /^accounts\/[^/]+\/models\//, // Fireworks
  /^(openrouter|openai|anthropic|google|gemini|models|mistral|mistralai|deepseek|x-ai|xai|azure|bedrock|vertex_ai)\//,
  /^(us|eu|apac|global|us-gov)\./, // Bedrock cross-region inference profiles
  /^(anthropic|meta|mistral)\./, // Bedrock model ids
  /@.*$/, // Vertex: claude-3-5-sonnet-v2@20241022
  /-v\d+(:\d+)?$/, // Bedrock -v1:0, Vertex -v2
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI snapshots
  /-\d{8}$/, // Anthropic snapshots
  /-\d{2}-\d{2}$/, // Gemini previews: -05-20
  /-\d{3,4}$/, // gpt-3.5-turbo-0125, mistral-large-2411, gemini-1.5-pro-002
  /-(latest|preview|exp|beta)$/,
];

const ENTRY_KEYS = new Map<string, string>();
for (const e of BUNDLED_TABLE) {
  const key = `${e.provider}/${e.model}`;
  ENTRY_KEYS.set(key, e.model);
  for (const alias of e.aliases ?? []) ENTRY_KEYS.set(`${e.provider}/${alias}`, e.model);
}

/** The table's name for a provider, '' when the model's family should decide, or the input lowercased. */
export function normaliseProvider(provider: string): string {
  const p = provider.trim().toLowerCase();
  return PROVIDER_NAMES[p] ?? p;
}

export function inferProvider(model: string): string | null {
  for (const [re, provider] of FAMILIES) if (re.test(model)) return provider;
  return null;
}

/** Every spelling of `model` worth a lookup, from the raw name to the fully stripped one. */
export function modelNameForms(model: string): string[] {
  let m = model.trim().toLowerCase();
  const forms = [m];
  for (let guard = 0; guard < 16; guard++) {
    const step = STRIP_STEPS.find((re) => re.test(m));
    if (!step) break;
    m = m.replace(step, '');
    if (m === '') break;
    forms.push(m);
  }
  return forms;
}

/**
 * Finds the bundled-table entry for a model as instrumentations report it: dated snapshots
 * (`gpt-4o-2024-08-06` → `gpt-4o`), provider prefixes (`openai/`, `models/`), Bedrock and Vertex ids.
 * Returns null when the model is not in the table.
 */
export function resolveModel(provider: string, model: string): { key: string; canonical: string } | null {
  const p = normaliseProvider(provider);
  const forms = modelNameForms(model);
  const lookup = (prov: string, form: string) => {
    const canonical = ENTRY_KEYS.get(`${prov}/${form}`);
    return canonical === undefined ? null : { key: `${prov}/${canonical}`, canonical };
  };
  if (p !== '') {
    for (const form of forms) {
      const hit = lookup(p, form);
      if (hit) return hit;
    }
    if (HOSTS.has(p)) return null;
  }
  for (const form of forms) {
    const family = inferProvider(form);
    const hit = family === null ? null : lookup(family, form);
    if (hit) return hit;
  }
  return null;
}
