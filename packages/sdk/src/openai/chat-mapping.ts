import * as K from '@sightline/contracts/semconv';
import { contentJson, redactSecrets, safeStringify } from '../content.ts';
import type { LlmCall, Usage } from '../llm-call.ts';

// OpenAI chat shapes, typed loosely on purpose: the wrapper must read every OpenAI-compatible
// server's output, including fields the official types do not promise.
type Obj = Record<string, unknown>;

/** A message part in the GenAI conventions' `gen_ai.input.messages` / `gen_ai.output.messages` JSON. */
export type Part =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'reasoning'; content: string }
  | { type: 'uri' | 'blob'; modality: string; uri?: string; mime_type?: string }
  | { type: string; [k: string]: unknown };

export interface GenAIMessage {
  role: string;
  parts: Part[];
  name?: string;
  finish_reason?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Inline data URIs (base64 images, audio) are replaced by their size: bytes, not insight. */
function uriPart(modality: string, url: unknown): Part {
  const u = str(url) ?? '';
  return u.startsWith('data:')
    ? { type: 'blob', modality, mime_type: u.slice(5, u.indexOf(';')), uri: `[inline data, ${u.length} chars]` }
    : { type: 'uri', modality, uri: u };
}

export function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: Part[] = [];
  for (const p of content as Obj[]) {
    if (!p || typeof p !== 'object') continue;
    if (p.type === 'text' || p.type === 'input_text' || p.type === 'output_text') parts.push({ type: 'text', content: str(p.text) ?? '' });
    else if (p.type === 'image_url') parts.push(uriPart('image', (p.image_url as Obj | undefined)?.url));
    else if (p.type === 'input_image') parts.push(uriPart('image', p.image_url));
    else if (p.type === 'input_audio') parts.push({ type: 'blob', modality: 'audio', mime_type: `audio/${str((p.input_audio as Obj)?.format) ?? ''}` });
    else if (p.type === 'refusal') parts.push({ type: 'text', content: str(p.refusal) ?? '' });
    else parts.push({ type: String(p.type) });
  }
  return parts;
}

function toolCallParts(toolCalls: unknown): Part[] {
  if (!Array.isArray(toolCalls)) return [];
  return (toolCalls as Obj[]).map((tc) => {
    const fn = (tc.function ?? tc.custom ?? {}) as Obj;
    return { type: 'tool_call', id: str(tc.id) ?? '', name: str(fn.name) ?? '', arguments: fn.arguments ?? fn.input };
  });
}

function chatInputMessage(m: Obj | undefined): GenAIMessage {
  const role = str(m?.role) ?? 'user';
  if (role === 'tool') return { role, parts: [{ type: 'tool_call_response', id: str(m?.tool_call_id) ?? '', response: m?.content }] };
  const parts = contentParts(m?.content);
  parts.push(...toolCallParts(m?.tool_calls));
  const msg: GenAIMessage = { role, parts };
  if (typeof m?.name === 'string') msg.name = m.name;
  return msg;
}

/** Chat Completions `messages` → GenAI input messages. */
export function chatInputMessages(messages: unknown): GenAIMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return (messages as Obj[]).map(chatInputMessage);
}

function noToolCalls(toolCalls: unknown): boolean {
  return toolCalls === undefined || toolCalls === null || (Array.isArray(toolCalls) && toolCalls.length === 0);
}

/** How {@link chatInputJson} and {@link chatOutputJson} treat the text they write. */
export interface JsonOptions {
  /** Redact secrets in every piece (then the whole needs no second scan). */
  redact: boolean;
  /** Stop once the JSON is this long: the size cap cuts the rest anyway. */
  limit: number;
}

const VERBATIM: JsonOptions = { redact: false, limit: Infinity };

/**
 * A piece of content text as a JSON string literal (long text cut at the limit, secrets redacted).
 * `fresh`: a model's answer, new by nature (see {@link contentJson}).
 */
export function textJson(text: string, o: JsonOptions, fresh = false): string {
  return contentJson(text.length > o.limit ? text.slice(0, o.limit) : text, o.redact, fresh);
}

/** A piece serialised the general way, redacted as a whole. */
export function pieceJson(value: unknown, o: JsonOptions): string {
  const json = safeStringify(value);
  return o.redact ? redactSecrets(json.length > o.limit ? json.slice(0, o.limit) : json) : json;
}

/**
 * `JSON.stringify(chatInputMessages(messages))`, written straight into one string: a plain text
 * message (the common case) costs one native string escape and no intermediate objects, and a
 * text sent again (system prompt, earlier turns) is served already escaped and scanned.
 */
export function chatInputJson(messages: unknown, o: JsonOptions = VERBATIM): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  let json = '[';
  for (let i = 0; i < messages.length && json.length <= o.limit; i++) {
    const m = messages[i] as Obj | undefined;
    if (i > 0) json += ',';
    const role = m?.role;
    if (typeof role === 'string' && role !== 'tool' && typeof m?.content === 'string' && typeof m.name !== 'string' && noToolCalls(m.tool_calls)) {
      json += `{"role":${textJson(role, o)},"parts":[{"type":"text","content":${textJson(m.content, o)}}]}`;
    } else json += pieceJson(chatInputMessage(m), o);
  }
  return `${json}]`;
}

function chatOutputMessage(c: Obj): GenAIMessage {
  const m = (c?.message ?? {}) as Obj;
  const parts: Part[] = [];
  const reasoning = str(m.reasoning_content) ?? str(m.reasoning);
  if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
  if (typeof m.content === 'string') parts.push({ type: 'text', content: m.content });
  if (typeof m.refusal === 'string') parts.push({ type: 'text', content: m.refusal });
  parts.push(...toolCallParts(m.tool_calls));
  return { role: str(m.role) ?? 'assistant', parts, finish_reason: str(c?.finish_reason) ?? '' };
}

/** Chat Completions choices → GenAI output messages. */
export function chatOutputMessages(choices: unknown): GenAIMessage[] {
  if (!Array.isArray(choices)) return [];
  return (choices as Obj[]).map(chatOutputMessage);
}

/** `JSON.stringify(chatOutputMessages(choices))` written straight into one string (see {@link chatInputJson}). */
export function chatOutputJson(choices: unknown, o: JsonOptions = VERBATIM): string {
  if (!Array.isArray(choices)) return '[]';
  let json = '[';
  for (let i = 0; i < choices.length && json.length <= o.limit; i++) {
    const c = choices[i] as Obj;
    const m = c?.message as Obj | undefined;
    if (i > 0) json += ',';
    if (
      m && typeof m === 'object' && typeof m.content === 'string' && typeof m.refusal !== 'string' && noToolCalls(m.tool_calls) &&
      !(str(m.reasoning_content) ?? str(m.reasoning))
    ) {
      json += `{"role":${textJson(str(m.role) ?? 'assistant', o)},"parts":[{"type":"text","content":${textJson(m.content, o, true)}}],"finish_reason":${textJson(str(c.finish_reason) ?? '', o)}}`;
    } else json += pieceJson(chatOutputMessage(c), o);
  }
  return `${json}]`;
}

export function finishReasons(choices: unknown): string[] | undefined {
  if (!Array.isArray(choices)) return undefined;
  if (choices.length === 1) {
    const r = (choices[0] as Obj | undefined)?.finish_reason;
    return typeof r === 'string' && r ? [r] : undefined;
  }
  const reasons = (choices as Obj[]).map((c) => str(c.finish_reason)).filter((r): r is string => !!r);
  return reasons.length ? reasons : undefined;
}

/** OpenAI usage (chat or responses) → GenAI usage; `prompt_tokens` already includes cached ones. */
export function openaiUsage(usage: unknown): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Obj;
  const inDetails = (u.prompt_tokens_details ?? u.input_tokens_details) as Obj | undefined;
  const outDetails = (u.completion_tokens_details ?? u.output_tokens_details) as Obj | undefined;
  return {
    inputTokens: num(u.prompt_tokens ?? u.input_tokens),
    outputTokens: num(u.completion_tokens ?? u.output_tokens),
    cacheReadTokens: num(inDetails?.cached_tokens),
    reasoningTokens: num(outDetails?.reasoning_tokens),
  };
}

/** Writes OpenAI usage (chat or responses) on `call` without an intermediate object; a diagnostic when absent. */
export function recordOpenaiUsage(call: LlmCall, usage: unknown): void {
  if (!usage || typeof usage !== 'object') return call.diagnose('usage_missing');
  const u = usage as Obj;
  const inDetails = (u.prompt_tokens_details ?? u.input_tokens_details) as Obj | undefined;
  const outDetails = (u.completion_tokens_details ?? u.output_tokens_details) as Obj | undefined;
  call.set(K.ATTR_GEN_AI_USAGE_INPUT_TOKENS, num(u.prompt_tokens ?? u.input_tokens));
  call.set(K.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, num(u.completion_tokens ?? u.output_tokens));
  if (inDetails) call.set(K.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, num(inDetails.cached_tokens));
  if (outDetails) call.set(K.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, num(outDetails.reasoning_tokens));
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A cheap identity of a logical call: model plus the text of its first two messages. */
export function chatCallKey(model: unknown, messages: unknown): string {
  let key = String(model);
  if (Array.isArray(messages)) {
    for (const m of (messages as Obj[]).slice(0, 2)) key += `|${typeof m?.content === 'string' ? m.content : ''}`;
  }
  return key;
}
