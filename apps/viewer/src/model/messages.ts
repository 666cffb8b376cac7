/**
 * Normalises the content a span captured (OTel GenAI `parts` messages, OpenAI chat messages,
 * Anthropic content blocks, bare strings) into one conversation shape the trace page renders as
 * text. Unknown shapes are kept as JSON parts: nothing the model said is dropped or interpreted.
 */

export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'tool_call'; id: string; name: string; arguments: string }
  | { kind: 'tool_result'; id: string; content: string }
  /** An image or file reference: shown as its URL/identifier in text, never fetched. */
  | { kind: 'media'; mediaType: string; ref: string }
  | { kind: 'json'; value: string };

export interface Message {
  role: string;
  parts: Part[];
  finishReason?: string;
  name?: string;
}

export type Content =
  | { kind: 'none' }
  | { kind: 'messages'; messages: Message[] }
  | { kind: 'text'; text: string }
  | { kind: 'json'; text: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v, null, 2));

export function pretty(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/** Parses JSON text if it is JSON; otherwise returns the text as-is (content may be plain text). */
export function parseMaybeJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('[') || t.startsWith('"'))) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    // Truncated content (cut at the size cap) is not valid JSON: shown as text, flagged by the page.
    return { ok: false };
  }
}

function partFrom(p: unknown): Part {
  if (typeof p === 'string') return { kind: 'text', text: p };
  if (!isObj(p)) return { kind: 'json', value: pretty(p) };
  const type = typeof p['type'] === 'string' ? p['type'] : '';
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text':
    case 'reasoning':
    case 'thinking':
      return { kind: 'text', text: str(p['content'] ?? p['text'] ?? p['thinking']) };
    case 'tool_call':
    case 'tool_use':
    case 'function_call':
      return { kind: 'tool_call', id: str(p['id'] ?? p['call_id']), name: str(p['name']), arguments: str(p['arguments'] ?? p['input']) };
    case 'tool_call_response':
    case 'tool_result':
    case 'function_call_output':
      return { kind: 'tool_result', id: str(p['id'] ?? p['tool_use_id'] ?? p['call_id']), content: contentText(p['response'] ?? p['content'] ?? p['output']) };
    case 'image_url':
      return { kind: 'media', mediaType: 'image', ref: str(isObj(p['image_url']) ? p['image_url']['url'] : p['image_url']) };
    case 'image':
    case 'blob':
    case 'uri':
    case 'file':
    case 'document': {
      const src = isObj(p['source']) ? p['source'] : p;
      const ref = src['url'] ?? src['uri'] ?? src['file_id'] ?? (src['data'] !== undefined ? `[inline data, ${str(src['data']).length} chars]` : '');
      return { kind: 'media', mediaType: str(p['modality'] ?? src['media_type'] ?? p['mime_type'] ?? type), ref: str(ref) };
    }
    default:
      return { kind: 'json', value: pretty(p) };
  }
}

function contentText(v: unknown): string {
  if (Array.isArray(v)) return v.map((p) => (isObj(p) && typeof p['text'] === 'string' ? p['text'] : pretty(p))).join('\n');
  return str(v);
}

function messageFrom(m: unknown): Message | null {
  if (!isObj(m) || (typeof m['role'] !== 'string' && !Array.isArray(m['parts']))) return null;
  const role = typeof m['role'] === 'string' ? m['role'] : 'assistant';
  const parts: Part[] = [];
  if (Array.isArray(m['parts'])) parts.push(...m['parts'].map(partFrom));
  const content = m['content'];
  if (typeof content === 'string') parts.push(role === 'tool' ? { kind: 'tool_result', id: str(m['tool_call_id']), content } : { kind: 'text', text: content });
  else if (Array.isArray(content)) parts.push(...content.map(partFrom));
  else if (content !== undefined && content !== null) parts.push({ kind: 'json', value: pretty(content) });
  if (Array.isArray(m['tool_calls'])) {
    for (const call of m['tool_calls']) {
      if (!isObj(call)) continue;
      const fn = isObj(call['function']) ? call['function'] : call;
      parts.push({ kind: 'tool_call', id: str(call['id']), name: str(fn['name']), arguments: str(fn['arguments']) });
    }
  }
  const msg: Message = { role, parts };
  const finish = m['finish_reason'] ?? m['stop_reason'];
  if (typeof finish === 'string') msg.finishReason = finish;
  if (typeof m['name'] === 'string') msg.name = m['name'];
  return msg;
}

function messagesFrom(value: unknown): Message[] | null {
  let list: unknown = value;
  if (isObj(value)) {
    // A whole request/response body, or `{ messages }`, or OpenAI's `choices`.
    if (Array.isArray(value['messages'])) list = value['messages'];
    else if (Array.isArray(value['choices'])) list = value['choices'].map((c) => (isObj(c) ? { ...(isObj(c['message']) ? c['message'] : {}), finish_reason: c['finish_reason'] } : c));
    else if (typeof value['role'] === 'string') list = [value];
  }
  if (!Array.isArray(list) || list.length === 0) return null;
  const out: Message[] = [];
  for (const m of list) {
    const msg = messageFrom(m);
    if (!msg) return null;
    out.push(msg);
  }
  return out;
}

/** Reads one captured content column (input or output). */
export function readContent(text: string | null): Content {
  if (text === null || text === '') return { kind: 'none' };
  const parsed = parseMaybeJson(text);
  if (!parsed.ok) return { kind: 'text', text };
  if (typeof parsed.value === 'string') return { kind: 'text', text: parsed.value };
  const messages = messagesFrom(parsed.value);
  if (messages) return { kind: 'messages', messages };
  return { kind: 'json', text: JSON.stringify(parsed.value, null, 2) };
}

export interface RetrievedDocument {
  id: string;
  score: number | null;
  content: string;
}

/** Retrieval output: an array of documents (`{ id, score, content|text|page_content }`) or null. */
export function readDocuments(text: string | null): RetrievedDocument[] | null {
  if (!text) return null;
  const parsed = parseMaybeJson(text);
  const value = parsed.ok && isObj(parsed.value) && Array.isArray(parsed.value['documents']) ? parsed.value['documents'] : parsed.ok ? parsed.value : null;
  if (!Array.isArray(value)) return null;
  return value.map((d, i) => {
    if (!isObj(d)) return { id: String(i + 1), score: null, content: pretty(d) };
    const score = typeof d['score'] === 'number' ? d['score'] : null;
    const body = d['content'] ?? d['text'] ?? d['page_content'] ?? d['document'];
    return { id: str(d['id'] ?? i + 1), score, content: body === undefined ? '' : contentText(body) };
  });
}
