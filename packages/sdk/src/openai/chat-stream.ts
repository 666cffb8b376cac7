import { ATTR_GEN_AI_OUTPUT_MESSAGES, ATTR_GEN_AI_RESPONSE_FINISH_REASONS, ATTR_GEN_AI_RESPONSE_ID, ATTR_GEN_AI_RESPONSE_MODEL, ATTR_OPENAI_RESPONSE_SERVICE_TIER } from '@sightline/contracts/semconv';
import type { LlmCall } from '../llm-call.ts';
import type { StreamObserver } from '../instrument.ts';
import { openaiUsage, type GenAIMessage, type Part } from './chat-mapping.ts';

type Obj = Record<string, unknown>;

interface ChoiceAcc {
  role: string;
  text: string[];
  reasoning: string[];
  tools: Map<number, { id: string; name: string; args: string[] }>;
  finish?: string;
}

/** Rebuilds the assistant output of a Chat Completions stream from its chunks. */
export function chatStreamObserver(call: LlmCall): StreamObserver<Obj> {
  const choices = new Map<number, ChoiceAcc>();
  let id: string | undefined;
  let model: string | undefined;
  let tier: string | undefined;
  let usage: unknown;
  return {
    onChunk(chunk) {
      id ??= typeof chunk.id === 'string' ? chunk.id : undefined;
      model ??= typeof chunk.model === 'string' ? chunk.model : undefined;
      if (typeof chunk.service_tier === 'string') tier = chunk.service_tier;
      if (chunk.usage) usage = chunk.usage;
      let carries = false;
      for (const c of (chunk.choices as Obj[] | undefined) ?? []) {
        const idx = typeof c.index === 'number' ? c.index : 0;
        let acc = choices.get(idx);
        if (!acc) choices.set(idx, (acc = { role: 'assistant', text: [], reasoning: [], tools: new Map() }));
        const delta = (c.delta ?? {}) as Obj;
        if (typeof delta.role === 'string') acc.role = delta.role;
        if (typeof delta.content === 'string' && delta.content) {
          acc.text.push(delta.content);
          carries = true;
        }
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (typeof reasoning === 'string' && reasoning) {
          acc.reasoning.push(reasoning);
          carries = true;
        }
        for (const tc of (delta.tool_calls as Obj[] | undefined) ?? []) {
          carries = true;
          const ti = typeof tc.index === 'number' ? tc.index : acc.tools.size;
          let tool = acc.tools.get(ti);
          if (!tool) acc.tools.set(ti, (tool = { id: '', name: '', args: [] }));
          const fn = (tc.function ?? {}) as Obj;
          if (typeof tc.id === 'string') tool.id = tc.id;
          if (typeof fn.name === 'string') tool.name += fn.name;
          if (typeof fn.arguments === 'string') tool.args.push(fn.arguments);
        }
        if (typeof c.finish_reason === 'string') acc.finish = c.finish_reason;
      }
      call.chunk(carries);
    },
    onEnd() {
      call.set(ATTR_GEN_AI_RESPONSE_ID, id);
      call.set(ATTR_GEN_AI_RESPONSE_MODEL, model);
      call.set(ATTR_OPENAI_RESPONSE_SERVICE_TIER, tier);
      const ordered = [...choices.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
      const reasons = ordered.map((c) => c.finish).filter((r): r is string => !!r);
      if (reasons.length) call.set(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, reasons);
      else call.diagnose('stream_ended_without_finish_reason');
      call.content(ATTR_GEN_AI_OUTPUT_MESSAGES, () => ordered.map(toMessage));
      if (usage) call.usage(openaiUsage(usage));
      else call.diagnose('stream_usage_missing');
      call.finish();
    },
  };
}

function toMessage(acc: ChoiceAcc): GenAIMessage {
  const parts: Part[] = [];
  if (acc.reasoning.length) parts.push({ type: 'reasoning', content: acc.reasoning.join('') });
  if (acc.text.length) parts.push({ type: 'text', content: acc.text.join('') });
  for (const [, t] of [...acc.tools.entries()].sort((a, b) => a[0] - b[0])) {
    parts.push({ type: 'tool_call', id: t.id, name: t.name, arguments: t.args.join('') });
  }
  return { role: acc.role, parts, finish_reason: acc.finish ?? '' };
}
