import type { Usage } from '../llm-call.ts';
import type { GenAIMessage, Part } from '../openai/chat-mapping.ts';

type Obj = Record<string, unknown>;

function blocksToParts(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return (content as Obj[]).map((b): Part => {
    switch (b?.type) {
      case 'text':
        return { type: 'text', content: String(b.text ?? '') };
      case 'thinking':
        return { type: 'reasoning', content: String(b.thinking ?? '') };
      case 'tool_use':
      case 'server_tool_use':
        return { type: 'tool_call', id: String(b.id ?? ''), name: String(b.name ?? ''), arguments: b.input };
      case 'tool_result':
        return { type: 'tool_call_response', id: String(b.tool_use_id ?? ''), response: b.content };
      case 'image':
        return { type: 'blob', modality: 'image', mime_type: String((b.source as Obj | undefined)?.media_type ?? '') };
      default:
        return { type: String(b?.type) };
    }
  });
}

export function anthropicInputMessages(messages: unknown): GenAIMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return (messages as Obj[]).map((m) => ({ role: String(m?.role ?? 'user'), parts: blocksToParts(m?.content) }));
}

export function anthropicSystem(system: unknown): Part[] | undefined {
  if (system === undefined || system === null) return undefined;
  return blocksToParts(system);
}

export function anthropicOutput(message: Obj): GenAIMessage[] {
  return [{ role: 'assistant', parts: blocksToParts(message.content), finish_reason: String(message.stop_reason ?? '') }];
}

/**
 * Anthropic reports uncached input only; the GenAI conventions want `input_tokens` to include
 * cache reads and writes, so they are added back here.
 */
export function anthropicUsage(usage: unknown): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Obj;
  const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const input = n(u.input_tokens);
  const read = n(u.cache_read_input_tokens);
  const write = n(u.cache_creation_input_tokens);
  return {
    inputTokens: input === undefined ? undefined : input + (read ?? 0) + (write ?? 0),
    outputTokens: n(u.output_tokens),
    cacheReadTokens: read,
    cacheCreationTokens: write,
  };
}
