import type { Convention, SpanClass } from '@sightline/contracts';
import { SIGHTLINE_SCOPE_NAME } from '@sightline/contracts/semconv';
import type { Attributes, DecodedEvent } from '../ingest/decoded-span.ts';
import { hasPrefix, str } from './attributes.ts';

/**
 * Which instrumentation wrote a span. Order matters: our SDK and the third-party conventions also
 * write `gen_ai.*` keys, so the distinctive ones are tested first.
 */
export function detectConvention(attrs: Attributes, events: readonly DecodedEvent[], scopeName: string): Convention {
  // LLM spans carry the SDK version; its tool, retrieval, agent and workflow spans only its scope.
  if (attrs['sightline.sdk.version'] !== undefined || scopeName === SIGHTLINE_SCOPE_NAME) return 'sightline';
  if (attrs['openinference.span.kind'] !== undefined || hasPrefix(attrs, 'llm.token_count.') || attrs['llm.model_name'] !== undefined) {
    return 'openinference';
  }
  if (attrs['ai.operationId'] !== undefined || attrs['ai.model.id'] !== undefined) return 'vercel-ai';
  if (
    hasPrefix(attrs, 'traceloop.') ||
    attrs['llm.request.type'] !== undefined ||
    attrs['llm.usage.total_tokens'] !== undefined ||
    scopeName.includes('traceloop')
  ) {
    return 'openllmetry';
  }
  if (attrs['gen_ai.provider.name'] !== undefined) return 'otel-genai';
  if (usesDeprecatedGenAi(attrs, events)) return 'otel-genai-deprecated';
  // Current conventions without a provider: tool, agent and workflow spans (`execute_tool`, ...).
  if (hasPrefix(attrs, 'gen_ai.') || events.some((e) => e.name.startsWith('gen_ai.'))) return 'otel-genai';
  return 'unknown';
}

/** Per-message events of the GenAI conventions before 1.37 (replaced by the messages attributes). */
const DEPRECATED_GEN_AI_EVENTS = new Set(['gen_ai.system.message', 'gen_ai.user.message', 'gen_ai.assistant.message', 'gen_ai.tool.message', 'gen_ai.choice']);

/** Keys and events that only the deprecated GenAI conventions write. */
function usesDeprecatedGenAi(attrs: Attributes, events: readonly DecodedEvent[]): boolean {
  return (
    attrs['gen_ai.system'] !== undefined ||
    attrs['gen_ai.usage.prompt_tokens'] !== undefined ||
    attrs['gen_ai.usage.completion_tokens'] !== undefined ||
    attrs['gen_ai.prompt'] !== undefined ||
    attrs['gen_ai.completion'] !== undefined ||
    hasPrefix(attrs, 'gen_ai.prompt.') ||
    hasPrefix(attrs, 'gen_ai.completion.') ||
    events.some((e) => DEPRECATED_GEN_AI_EVENTS.has(e.name))
  );
}

const BY_OPERATION: Record<string, SpanClass> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  completion: 'llm',
  embeddings: 'embedding',
  embedding: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  retrieval: 'retrieval',
  workflow: 'workflow',
};

const OPENINFERENCE_KINDS: Record<string, SpanClass> = {
  LLM: 'llm',
  EMBEDDING: 'embedding',
  TOOL: 'tool',
  RETRIEVER: 'retrieval',
  RERANKER: 'retrieval',
  AGENT: 'agent',
  CHAIN: 'workflow',
};

const TRACELOOP_KINDS: Record<string, SpanClass> = { workflow: 'workflow', task: 'workflow', agent: 'agent', tool: 'tool' };

const SPAN_CLASS_VALUES = new Set<string>(['llm', 'embedding', 'tool', 'retrieval', 'agent', 'workflow', 'other']);

/** Vercel AI SDK operation ids: the inner `do*` spans are the provider calls; the outer ones wrap steps. */
export function vercelClass(operationId: string): SpanClass | null {
  if (/^ai\.(generate|stream)(Text|Object)\.do(Generate|Stream)$/.test(operationId)) return 'llm';
  if (/^ai\.embed(Many)?\.doEmbed$/.test(operationId)) return 'embedding';
  if (operationId === 'ai.toolCall') return 'tool';
  if (operationId.startsWith('ai.')) return 'workflow';
  return null;
}

export function operationName(attrs: Attributes, convention: Convention): string {
  const op = str(attrs, 'gen_ai.operation.name');
  if (op !== '') return op;
  const requestType = str(attrs, 'llm.request.type');
  if (requestType === 'completion') return 'text_completion';
  if (requestType === 'embedding') return 'embeddings';
  if (requestType !== '') return requestType;
  const oiKind = str(attrs, 'openinference.span.kind');
  if (oiKind === 'LLM') return 'chat';
  if (oiKind === 'EMBEDDING') return 'embeddings';
  if (convention === 'vercel-ai') {
    const cls = vercelClass(str(attrs, 'ai.operationId'));
    if (cls === 'llm') return 'chat';
    if (cls === 'embedding') return 'embeddings';
    if (cls === 'tool') return 'execute_tool';
  }
  return '';
}

export function spanClass(attrs: Attributes, operation: string, hasModelUsage: boolean): SpanClass {
  const byOp = BY_OPERATION[operation];
  if (byOp) return byOp;
  const own = str(attrs, 'sightline.span.class');
  if (SPAN_CLASS_VALUES.has(own)) return own as SpanClass;
  const oi = OPENINFERENCE_KINDS[str(attrs, 'openinference.span.kind').toUpperCase()];
  if (oi) return oi;
  const tl = TRACELOOP_KINDS[str(attrs, 'traceloop.span.kind')];
  if (tl) return tl;
  const vercel = vercelClass(str(attrs, 'ai.operationId'));
  if (vercel) return vercel;
  return hasModelUsage ? 'llm' : 'other';
}
