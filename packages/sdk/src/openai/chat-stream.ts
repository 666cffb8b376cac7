import { ATTR_GEN_AI_OUTPUT_MESSAGES, ATTR_GEN_AI_RESPONSE_FINISH_REASONS, ATTR_GEN_AI_RESPONSE_ID, ATTR_GEN_AI_RESPONSE_MODEL, ATTR_OPENAI_RESPONSE_SERVICE_TIER } from '@sightline/contracts/semconv';
import type { LlmCall } from '../llm-call.ts';
import type { StreamObserver } from '../instrument.ts';
import { contentOptions } from '../content.ts';
import { settings } from '../settings.ts';
import { openaiUsage, pieceJson, textJson, type GenAIMessage, type JsonOptions, type Part } from './chat-mapping.ts';

type Obj = Record<string, unknown>;

export interface ChoiceAcc {
  role: string;
  // Concatenated as they arrive (V8 keeps rope strings, flattened once at serialisation).
  text: string;
  hasText: boolean;
  reasoning: string;
  tools: Map<number, { id: string; name: string; args: string }> | undefined;
  finish?: string;
}

export const newChoice = (): ChoiceAcc => ({ role: 'assistant', text: '', hasText: false, reasoning: '', tools: undefined });

/** Rebuilds the assistant output of a Chat Completions stream from its chunks. */
export function chatStreamObserver(call: LlmCall): StreamObserver<Obj> {
  return new ChatStreamObserver(call);
}

/** Chunks kept before they are read into the output: a long stream holds at most this many. */
const CHUNKS_HELD = 256;

/**
 * Per chunk it only keeps the chunk (and, until one carries content, looks for the first that
 * does, for the time to first chunk). Kept chunks are read in one pass every CHUNKS_HELD chunks
 * and when the stream ends, in the app's last `next()`, so they die young and a long stream's
 * memory stays bounded.
 */
class ChatStreamObserver implements StreamObserver<Obj> {
  private chunks: Obj[] = [];
  private readonly out: StreamOut = { id: undefined, model: undefined, tier: undefined, usage: undefined, choices: new Map() };
  private sawContent = false;

  constructor(private readonly call: LlmCall) {}

  onChunk(chunk: Obj): void {
    this.chunks.push(chunk);
    if (!this.sawContent && carriesContent(chunk)) {
      this.sawContent = true;
      this.call.firstChunk();
    }
    if (this.chunks.length >= CHUNKS_HELD) this.readHeld();
  }

  onEnd(): void {
    this.readSoFar();
    this.call.finish();
  }

  /** A failed stream keeps what arrived before the error: chunk count and partial output. */
  onError(): void {
    this.readSoFar();
  }

  private readHeld(): void {
    const chunks = this.chunks;
    this.chunks = [];
    this.call.chunkCount(chunks.length);
    readChunks(chunks, this.out);
  }

  private readSoFar(): void {
    this.readHeld();
    const call = this.call;
    const out = this.out;
    // Attributes are set when the span is sealed, off the app's last `next()`.
    call.later(() => recordStream(call, out));
  }
}

function carriesContent(chunk: Obj): boolean {
  const list = chunk.choices;
  if (!Array.isArray(list)) return false;
  for (const c of list as Obj[]) {
    const delta = c?.delta as Obj | undefined;
    if (!delta) continue;
    if ((typeof delta.content === 'string' && delta.content) || (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0)) return true;
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning) return true;
  }
  return false;
}

interface StreamOut {
  id: string | undefined;
  model: string | undefined;
  tier: string | undefined;
  usage: unknown;
  choices: Map<number, ChoiceAcc>;
}

/** Reads chunks, in stream order, into what the stream has given so far. */
function readChunks(chunks: Obj[], out: StreamOut): void {
  const choices = out.choices;
  for (let k = 0; k < chunks.length; k++) {
    const chunk = chunks[k] as Obj;
    if (out.id === undefined && typeof chunk.id === 'string') out.id = chunk.id;
    if (out.model === undefined && typeof chunk.model === 'string') out.model = chunk.model;
    if (typeof chunk.service_tier === 'string') out.tier = chunk.service_tier;
    if (chunk.usage) out.usage = chunk.usage;
    const list = chunk.choices as Obj[] | undefined;
    const n = Array.isArray(list) ? list.length : 0;
    for (let i = 0; i < n; i++) {
      const c = (list as Obj[])[i] as Obj;
      const idx = typeof c.index === 'number' ? c.index : 0;
      let acc = choices.get(idx);
      if (!acc) choices.set(idx, (acc = newChoice()));
      const delta = c.delta as Obj | undefined;
      if (delta) {
        if (typeof delta.role === 'string') acc.role = delta.role;
        if (typeof delta.content === 'string' && delta.content) {
          acc.text += delta.content;
          acc.hasText = true;
        }
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (typeof reasoning === 'string' && reasoning) acc.reasoning += reasoning;
        if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) addToolDeltas(acc, delta.tool_calls as Obj[]);
      }
      if (typeof c.finish_reason === 'string') acc.finish = c.finish_reason;
    }
  }
}

function recordStream(call: LlmCall, out: StreamOut): void {
  call.set(ATTR_GEN_AI_RESPONSE_ID, out.id);
  call.set(ATTR_GEN_AI_RESPONSE_MODEL, out.model);
  call.set(ATTR_OPENAI_RESPONSE_SERVICE_TIER, out.tier);
  const choices = out.choices;
  const ordered = choices.size === 1 ? [...choices.values()] : [...choices.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  const reasons: string[] = [];
  for (const c of ordered) if (c.finish) reasons.push(c.finish);
  if (reasons.length) call.set(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, reasons);
  else call.diagnose('stream_ended_without_finish_reason');
  if (settings.content.capture) call.contentText(ATTR_GEN_AI_OUTPUT_MESSAGES, streamOutputJson(ordered, contentOptions(settings.content)), true);
  if (out.usage) call.usage(openaiUsage(out.usage));
  else call.diagnose('stream_usage_missing');
}

function addToolDeltas(acc: ChoiceAcc, deltas: Obj[]): void {
  const tools = (acc.tools ??= new Map());
  for (const tc of deltas) {
    const ti = typeof tc.index === 'number' ? tc.index : tools.size;
    let tool = tools.get(ti);
    if (!tool) tools.set(ti, (tool = { id: '', name: '', args: '' }));
    const fn = (tc.function ?? {}) as Obj;
    if (typeof tc.id === 'string') tool.id = tc.id;
    if (typeof fn.name === 'string') tool.name += fn.name;
    if (typeof fn.arguments === 'string') tool.args += fn.arguments;
  }
}

/** `JSON.stringify(choices.map(toMessage))`, a plain text answer written straight into one string. */
export function streamOutputJson(choices: ChoiceAcc[], o: JsonOptions = { redact: false, limit: Infinity }): string {
  let json = '[';
  for (let i = 0; i < choices.length && json.length <= o.limit; i++) {
    const acc = choices[i] as ChoiceAcc;
    if (i > 0) json += ',';
    if (acc.reasoning || acc.tools) json += pieceJson(toMessage(acc), o);
    else {
      const parts = acc.hasText ? `{"type":"text","content":${textJson(acc.text, o, true)}}` : '';
      json += `{"role":${textJson(acc.role, o)},"parts":[${parts}],"finish_reason":${textJson(acc.finish ?? '', o)}}`;
    }
  }
  return `${json}]`;
}

export function toMessage(acc: ChoiceAcc): GenAIMessage {
  const parts: Part[] = [];
  if (acc.reasoning) parts.push({ type: 'reasoning', content: acc.reasoning });
  if (acc.hasText) parts.push({ type: 'text', content: acc.text });
  if (acc.tools) {
    for (const [, t] of [...acc.tools.entries()].sort((a, b) => a[0] - b[0])) {
      parts.push({ type: 'tool_call', id: t.id, name: t.name, arguments: t.args });
    }
  }
  return { role: acc.role, parts, finish_reason: acc.finish ?? '' };
}
