import type { SpanClass } from '@sightline/contracts';
import type { AttributeValue, Attributes, DecodedEvent } from '../ingest/decoded-span.ts';
import { parseJson, stringifyValue, toJson } from './attributes.ts';
import { unflattenIndexed } from './unflatten.ts';

export interface ExtractedContent {
  input: string | null;
  output: string | null;
  /** Attribute keys whose content moved to the content columns (dropped from SpanAttributes). */
  consumed: Set<string>;
  /** Event indexes whose content moved (their content attributes are dropped). */
  consumedEvents: Set<number>;
}

/**
 * JSON text of a value: JSON-looking strings are kept as sent, plain text becomes a JSON string.
 * "JSON-looking" is judged by the outer brackets only, not by parsing: content is the bulk of every
 * span (kilobytes), and a full parse just to keep it as it came measured ~6 µs per span plus the
 * garbage of the parsed tree. A bracketed text that is not valid JSON is stored as sent, which the
 * viewer shows as text (as it does content cut at the size cap); nothing is lost either way.
 */
function asJsonText(v: AttributeValue): string {
  if (typeof v === 'string') return looksLikeJson(v) ? v : JSON.stringify(v);
  return JSON.stringify(toJson(v));
}

function looksLikeJson(text: string): boolean {
  let i = 0;
  let j = text.length - 1;
  while (i <= j && isSpace(text.charCodeAt(i))) i++;
  while (j > i && isSpace(text.charCodeAt(j))) j--;
  if (j <= i) return false;
  const open = text.charCodeAt(i);
  const close = text.charCodeAt(j);
  return (open === 0x5b && close === 0x5d) || (open === 0x7b && close === 0x7d);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function asJson(v: AttributeValue): unknown {
  return typeof v === 'string' ? (parseJson(v) ?? v) : toJson(v);
}

const MESSAGE_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/** Messages from the per-message events of older GenAI conventions. */
function fromEvents(events: readonly DecodedEvent[], consumedEvents: Set<number>): { input: unknown[]; output: unknown[]; pair: [string | null, string | null] } {
  const input: unknown[] = [];
  const output: unknown[] = [];
  let pairIn: string | null = null;
  let pairOut: string | null = null;
  events.forEach((e, i) => {
    const a = e.attributes;
    const body = a['gen_ai.event.content'] === undefined ? undefined : asJson(a['gen_ai.event.content']);
    const role = MESSAGE_EVENTS[e.name];
    if (role !== undefined) {
      const msg: Record<string, unknown> = { role: typeof a['role'] === 'string' ? a['role'] : role };
      if (body && typeof body === 'object') Object.assign(msg, body);
      for (const k of ['content', 'tool_calls', 'id']) if (a[k] !== undefined && a[k] !== null) msg[k] = asJson(a[k]);
      input.push(msg);
      consumedEvents.add(i);
    } else if (e.name === 'gen_ai.choice') {
      const msg: Record<string, unknown> = {};
      if (body && typeof body === 'object') Object.assign(msg, body);
      for (const k of ['message', 'finish_reason', 'index']) if (a[k] !== undefined && a[k] !== null) msg[k] = asJson(a[k]);
      output.push(msg);
      consumedEvents.add(i);
    } else if (e.name === 'gen_ai.content.prompt' && a['gen_ai.prompt'] !== undefined) {
      pairIn = asJsonText(a['gen_ai.prompt']);
      consumedEvents.add(i);
    } else if (e.name === 'gen_ai.content.completion' && a['gen_ai.completion'] !== undefined) {
      pairOut = asJsonText(a['gen_ai.completion']);
      consumedEvents.add(i);
    } else if (e.name === 'gen_ai.client.inference.operation.details') {
      if (a['gen_ai.input.messages'] !== undefined) pairIn = asJsonText(a['gen_ai.input.messages']);
      if (a['gen_ai.output.messages'] !== undefined) pairOut = asJsonText(a['gen_ai.output.messages']);
      consumedEvents.add(i);
    }
  });
  return { input, output, pair: [pairIn, pairOut] };
}

/** Event attributes that carry content, dropped from stored events once lifted into the columns. */
export const EVENT_CONTENT_KEYS = new Set(['gen_ai.event.content', 'content', 'tool_calls', 'message', 'gen_ai.prompt', 'gen_ai.completion', 'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions']);

/** Picks the first present key, marking it consumed. */
function take(attrs: Attributes, consumed: Set<string>, ...keys: string[]): AttributeValue | undefined {
  for (const k of keys) {
    const v = attrs[k];
    if (v !== undefined && v !== null && v !== '') {
      consumed.add(k);
      return v;
    }
  }
  return undefined;
}

/**
 * The prompt and the output of a span as JSON text, from whichever convention carried them, and the
 * keys that held them (so content is stored once).
 */
export function extractContent(attrs: Attributes, events: readonly DecodedEvent[], cls: SpanClass): ExtractedContent {
  const consumed = new Set<string>();
  const consumedEvents = new Set<number>();
  let input: string | null = null;
  let output: string | null = null;

  if (cls === 'tool') {
    const args = take(attrs, consumed, 'gen_ai.tool.call.arguments', 'ai.toolCall.args');
    const result = take(attrs, consumed, 'gen_ai.tool.call.result', 'ai.toolCall.result');
    if (args !== undefined) input = asJsonText(args);
    if (result !== undefined) output = asJsonText(result);
  } else if (cls === 'retrieval') {
    const query = take(attrs, consumed, 'sightline.retrieval.query');
    const docs = take(attrs, consumed, 'sightline.retrieval.documents');
    if (query !== undefined) input = asJsonText(query);
    if (docs !== undefined) output = asJsonText(docs);
    const oiDocs = unflattenIndexed(attrs, 'retrieval.documents.', consumed);
    if (output === null && oiDocs.length > 0) output = JSON.stringify(oiDocs.map((d) => (d as { document?: unknown }).document ?? d));
  }

  const messages = take(attrs, consumed, 'gen_ai.input.messages');
  const system = take(attrs, consumed, 'gen_ai.system_instructions');
  if (input === null && (messages !== undefined || system !== undefined)) {
    if (system === undefined) input = asJsonText(messages ?? []);
    else {
      // Only here are the messages parsed: the system instructions go in front of them.
      const list = messages === undefined ? [] : asJson(messages);
      input = JSON.stringify([{ role: 'system', parts: asJson(system) }, ...(Array.isArray(list) ? list : [list])]);
    }
  }
  const outMessages = take(attrs, consumed, 'gen_ai.output.messages');
  if (output === null && outMessages !== undefined) output = asJsonText(outMessages);

  // Indexed attributes: deprecated GenAI / OpenLLMetry and OpenInference.
  const prompts = unflattenIndexed(attrs, 'gen_ai.prompt.', consumed);
  const completions = unflattenIndexed(attrs, 'gen_ai.completion.', consumed);
  const oiIn = unflattenIndexed(attrs, 'llm.input_messages.', consumed).map(unwrapMessage);
  const oiOut = unflattenIndexed(attrs, 'llm.output_messages.', consumed).map(unwrapMessage);
  if (input === null && prompts.length > 0) input = JSON.stringify(prompts);
  if (output === null && completions.length > 0) output = JSON.stringify(completions);
  if (input === null && oiIn.length > 0) input = JSON.stringify(oiIn);
  if (output === null && oiOut.length > 0) output = JSON.stringify(oiOut);

  const ev = fromEvents(events, consumedEvents);
  input ??= ev.pair[0] ?? (ev.input.length > 0 ? JSON.stringify(ev.input) : null);
  output ??= ev.pair[1] ?? (ev.output.length > 0 ? JSON.stringify(ev.output) : null);

  // Whole-payload attributes, least specific last.
  const single = [
    ['gen_ai.prompt', 'gen_ai.completion'],
    ['ai.prompt.messages', 'ai.response.text'],
    ['ai.prompt', 'ai.response.object'],
    ['ai.value', 'ai.embedding'],
    ['ai.values', 'ai.embeddings'],
    ['input.value', 'output.value'],
    ['traceloop.entity.input', 'traceloop.entity.output'],
  ] as const;
  for (const [inKey, outKey] of single) {
    const i = take(attrs, consumed, inKey);
    const o = take(attrs, consumed, outKey);
    if (input === null && i !== undefined) input = asJsonText(i);
    if (output === null && o !== undefined) output = outKey === 'ai.response.text' ? vercelOutput(o, attrs, consumed) : asJsonText(o);
  }
  return { input, output, consumed, consumedEvents };
}

function unwrapMessage(m: unknown): unknown {
  return m !== null && typeof m === 'object' && 'message' in m ? (m as { message: unknown }).message : m;
}

function vercelOutput(text: AttributeValue, attrs: Attributes, consumed: Set<string>): string {
  const msg: Record<string, unknown> = { role: 'assistant', content: stringifyValue(text) };
  const calls = take(attrs, consumed, 'ai.response.toolCalls');
  if (calls !== undefined) msg['tool_calls'] = asJson(calls);
  return JSON.stringify([msg]);
}
