import { createRng, hash32, requestRng } from './determinism.ts';
import { optionalNumber, requireString, unixSeconds, type HandlerContext } from './handler-context.ts';
import { ApiError, EventStream, nonStreamingDelay, paceFor, sendFault, sendJson } from './http-kit.ts';
import { requestedScenario } from './scenario.ts';
import { chunkText, estimateTokens, generateText, topicWords } from './text.ts';

/** `POST /v1/embeddings`: unit vectors seeded by the text, so equal texts embed equally. */
export async function embeddings(ctx: HandlerContext): Promise<void> {
  const { body, options, res } = ctx;
  const model = requireString(body, 'model');
  const raw = body.input;
  const inputs: string[] = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) : [];
  if (inputs.length === 0) throw new ApiError(400, 'invalid_request_error', "'input' must be a string or a non-empty array", 'input');
  const rng = requestRng(options.seed, ctx.requestKey, 'content');
  const roll = ctx.faults.roll(ctx.requestKey);
  const scenario = requestedScenario(ctx.scenarioHeader, '');
  const fault = scenario === 'rate_limit' || scenario === 'server_error' ? scenario : roll.fault;
  if (fault !== undefined) return sendFault(res, 'openai', fault, options, rng);
  const dimensions = optionalNumber(body, 'dimensions') ?? (model.includes('large') ? 3072 : 1536);
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = embed(text, Math.floor(dimensions), options.seed);
    const embedding = base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector);
    return { object: 'embedding', index, embedding };
  });
  const promptTokens = inputs.reduce((s, t) => s + estimateTokens(t), 0);
  await nonStreamingDelay({ ttftMs: options.latency === 'none' ? 0 : rng.int(40, 160) * options.timeScale, msPerToken: 0 }, 0);
  sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
}

function embed(text: string, dimensions: number, seed: number): Float32Array {
  const rng = createRng(hash32(text, seed));
  const out = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const v = rng.next() * 2 - 1;
    out[i] = v;
    norm += v * v;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dimensions; i++) out[i] = (out[i] ?? 0) * scale;
  return out;
}

/** `POST /v1/completions`: raw text completion as vLLM serves it (prompt string or list of them). */
export async function completions(ctx: HandlerContext): Promise<void> {
  const { body, options, res } = ctx;
  const model = requireString(body, 'model');
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : Array.isArray(body.prompt) ? body.prompt.filter((p): p is string => typeof p === 'string') : [];
  if (prompts.length === 0) throw new ApiError(400, 'invalid_request_error', "'prompt' must be a string or a non-empty array of strings", 'prompt');
  const scenario = requestedScenario(ctx.scenarioHeader, prompts[prompts.length - 1] ?? '');
  const rng = requestRng(options.seed, ctx.requestKey, 'content');
  const roll = ctx.faults.roll(ctx.requestKey);
  const fault = scenario === 'rate_limit' || scenario === 'server_error' ? scenario : roll.fault;
  if (fault !== undefined) return sendFault(res, 'openai', fault, options, rng);
  // vLLM's default max_tokens is 16; keep it so raw completions look like the real server's.
  const maxTokens = optionalNumber(body, 'max_tokens') ?? 16;
  const choices = prompts.map((prompt, index) => {
    // Raw continuations start with a space, as a tokenizer continues the prompt's last word.
    const full = ` ${generateText(rng, rng.int(10, 200), topicWords(prompt))}`;
    const cut = estimateTokens(full) > maxTokens;
    return { index, text: cut ? full.slice(0, maxTokens * 4) : full, logprobs: null, finish_reason: cut ? 'length' : 'stop', stop_reason: null };
  });
  const promptTokens = prompts.reduce((s, p) => s + estimateTokens(p), 0);
  const completionTokens = choices.reduce((s, c) => s + estimateTokens(c.text), 0);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, prompt_tokens_details: null };
  const id = `cmpl-${rng.hex(32)}`;
  const created = unixSeconds();
  const pace = paceFor(options, rng);
  if (body.stream !== true) {
    await nonStreamingDelay(pace, completionTokens);
    if (scenario === 'abort_stream') return void res.destroy();
    sendJson(res, 200, { id, object: 'text_completion', created, model, choices, ...(scenario === 'no_usage' ? {} : { usage }) });
    return;
  }
  const includeUsage = (body.stream_options as Record<string, unknown> | undefined)?.include_usage === true && scenario !== 'no_usage';
  const stream = new EventStream(res, pace);
  await stream.open();
  const chunks = choices.flatMap((c) => [
    ...chunkText(rng, c.text).map((piece) => ({ index: c.index, text: piece, finish: null as string | null })),
    { index: c.index, text: '', finish: c.finish_reason },
  ]);
  for (const [i, c] of chunks.entries()) {
    if (scenario === 'abort_stream' && i === Math.floor(chunks.length / 2)) return stream.abort();
    if (stream.closed) return;
    await stream.send({ id, object: 'text_completion', created, model, choices: [{ index: c.index, text: c.text, logprobs: null, finish_reason: c.finish, stop_reason: null }], ...(includeUsage ? { usage: null } : {}) }, { tokens: estimateTokens(c.text) });
  }
  if (includeUsage) await stream.send({ id, object: 'text_completion', created, model, choices: [], usage });
  await stream.send('[DONE]');
  stream.end();
}

export const OPENAI_MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o3', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large', 'Qwen/Qwen2.5-0.5B-Instruct'] as const;
export const ANTHROPIC_MODELS = ['claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-opus-4-6'] as const;

/** `GET /v1/models`, in the Anthropic shape when the request carries `anthropic-version`. */
export function listModels(ctx: HandlerContext): void {
  const created = 1_735_689_600; // 2025-01-01: fixed, so listings are byte-for-byte stable
  if (ctx.req.headers['anthropic-version'] !== undefined) {
    const data = ANTHROPIC_MODELS.map((id) => ({ type: 'model', id, display_name: id, created_at: new Date(created * 1000).toISOString() }));
    sendJson(ctx.res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
    return;
  }
  const data = [...OPENAI_MODELS, ...ANTHROPIC_MODELS].map((id) => ({ id, object: 'model', created, owned_by: id.startsWith('claude') ? 'anthropic' : id.includes('/') ? 'vllm' : 'openai' }));
  sendJson(ctx.res, 200, { object: 'list', data });
}
