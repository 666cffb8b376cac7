import {
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
} from '@sightline/contracts/semconv';
import type { StreamObserver } from '../instrument.ts';
import type { LlmCall } from '../llm-call.ts';
import { contentParts, openaiUsage, type GenAIMessage, type Part } from './chat-mapping.ts';

type Obj = Record<string, unknown>;

/** Responses API `input` (a string or items) → GenAI input messages. */
export function responsesInputMessages(input: unknown): GenAIMessage[] | undefined {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  if (!Array.isArray(input)) return undefined;
  return (input as Obj[]).map((item) => {
    if (item?.type === 'function_call') {
      return { role: 'assistant', parts: [{ type: 'tool_call', id: String(item.call_id ?? ''), name: String(item.name ?? ''), arguments: item.arguments }] };
    }
    if (item?.type === 'function_call_output') {
      return { role: 'tool', parts: [{ type: 'tool_call_response', id: String(item.call_id ?? ''), response: item.output }] };
    }
    return { role: typeof item?.role === 'string' ? item.role : 'user', parts: contentParts(item?.content) };
  });
}

/** Responses API `output` items → one assistant message (the conventions' shape). */
export function responsesOutput(response: Obj): GenAIMessage[] {
  const parts: Part[] = [];
  for (const item of (response.output as Obj[] | undefined) ?? []) {
    if (item.type === 'message') parts.push(...contentParts(item.content));
    else if (item.type === 'function_call') {
      parts.push({ type: 'tool_call', id: String(item.call_id ?? ''), name: String(item.name ?? ''), arguments: item.arguments });
    } else if (item.type === 'reasoning') {
      const summary = ((item.summary as Obj[] | undefined) ?? []).map((s) => String(s.text ?? '')).join('\n');
      if (summary) parts.push({ type: 'reasoning', content: summary });
    } else parts.push({ type: String(item.type) });
  }
  return [{ role: 'assistant', parts, finish_reason: finishReason(response) }];
}

function finishReason(response: Obj): string {
  if (response.status === 'incomplete') return String((response.incomplete_details as Obj | undefined)?.reason ?? 'incomplete');
  const calls = ((response.output as Obj[] | undefined) ?? []).some((i) => i.type === 'function_call');
  return calls ? 'tool_call' : response.status === 'completed' ? 'stop' : String(response.status ?? '');
}

/** Records a complete Responses API response on the call. */
export function recordResponse(call: LlmCall, response: Obj): void {
  call.set(ATTR_GEN_AI_RESPONSE_ID, typeof response.id === 'string' ? response.id : undefined);
  call.set(ATTR_GEN_AI_RESPONSE_MODEL, typeof response.model === 'string' ? response.model : undefined);
  call.set(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [finishReason(response)]);
  call.content(ATTR_GEN_AI_OUTPUT_MESSAGES, () => responsesOutput(response));
  call.usage(openaiUsage(response.usage));
}

/** Responses API streams carry the full response in their terminal event; deltas only time TTFT. */
export function responsesStreamObserver(call: LlmCall): StreamObserver<Obj> {
  let final: Obj | undefined;
  return {
    onChunk(event) {
      const type = String(event.type ?? '');
      call.chunk(type.endsWith('.delta'));
      if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
        final = event.response as Obj | undefined;
      }
    },
    onEnd() {
      if (final) recordResponse(call, final);
      else {
        call.diagnose('stream_ended_without_final_response');
        call.diagnose('stream_usage_missing');
      }
      call.finish();
    },
  };
}
