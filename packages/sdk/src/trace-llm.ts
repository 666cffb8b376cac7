import { context, trace, type Span } from '@opentelemetry/api';
import * as K from '@sightline/contracts/semconv';
import { reportInternal } from './diagnostics.ts';
import { LlmCall, type Usage } from './llm-call.ts';
import type { GenAIMessage } from './openai/chat-mapping.ts';
import { runInSpan } from './run-in-span.ts';

/** What {@link traceLLM} knows before the call. */
export interface LLMCallMeta {
  /** Requested model, e.g. `'meta-llama/Llama-3.1-8B-Instruct'`. */
  model?: string;
  /** `gen_ai.provider.name`, e.g. `'vllm'`, `'ollama'`, `'local'`. Default `'custom'`. */
  provider?: string;
  /** `gen_ai.operation.name`: `'chat'` (default), `'text_completion'`, `'embeddings'`, ... */
  operation?: string;
  /** Input as a prompt string or chat messages (`{ role, content }`). */
  input?: string | Array<{ role: string; content: unknown }>;
  system?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stream?: boolean;
  serverAddress?: string;
  serverPort?: number;
}

/** The handle {@link traceLLM} passes to your function to report what the call returned. */
export interface LLMSpanHandle {
  readonly span: Span;
  setModel(responseModel: string): void;
  setUsage(usage: Usage): void;
  /** The output text, or output messages. */
  setOutput(output: string | Array<{ role: string; content: unknown }>): void;
  setFinishReason(reason: string): void;
  setResponseId(id: string): void;
  /** Call once per streamed chunk; the first content chunk fixes the time to first chunk. */
  recordChunk(carriesContent?: boolean): void;
  setAttribute(key: string, value: string | number | boolean | string[]): void;
}

function toMessages(input: string | Array<{ role: string; content: unknown }>, role: string): GenAIMessage[] {
  if (typeof input === 'string') return [{ role, parts: [{ type: 'text', content: input }] }];
  return input.map((m) => ({
    role: m.role,
    parts: [{ type: 'text', content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content) }],
  }));
}

/**
 * Traces any LLM call the wrappers do not cover (a raw `fetch` to vLLM's `/v1/completions`, a
 * local model), with the same attributes as wrapped calls. Returns what `fn` returns.
 *
 * @example
 * ```ts
 * const text = await traceLLM({ model: 'llama-3.1-8b', provider: 'vllm', operation: 'text_completion', input: prompt }, async (llm) => {
 *   const res = await fetch('http://gpu-box:8000/v1/completions', { method: 'POST', body: JSON.stringify({ model, prompt }) });
 *   const json = await res.json();
 *   llm.setUsage({ inputTokens: json.usage.prompt_tokens, outputTokens: json.usage.completion_tokens });
 *   llm.setOutput(json.choices[0].text);
 *   return json.choices[0].text;
 * });
 * ```
 */
export function traceLLM<T>(meta: LLMCallMeta, fn: (llm: LLMSpanHandle) => T): T {
  let call: LlmCall;
  let handle: LLMSpanHandle;
  let usageSet = false;
  try {
    call = new LlmCall({
      operation: meta.operation ?? K.GEN_AI_OPERATION.chat,
      provider: meta.provider ?? 'custom',
      model: meta.model,
      serverAddress: meta.serverAddress,
      serverPort: meta.serverPort,
      stream: meta.stream === true,
      callKeySource: meta.input === undefined ? undefined : `${meta.model}|${typeof meta.input === 'string' ? meta.input : JSON.stringify(meta.input.slice(0, 2))}`,
      params: {
        [K.ATTR_GEN_AI_REQUEST_TEMPERATURE]: meta.temperature,
        [K.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: meta.maxTokens,
        [K.ATTR_GEN_AI_REQUEST_TOP_P]: meta.topP,
      },
    });
    if (meta.system !== undefined) call.content(K.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, () => [{ type: 'text', content: meta.system }]);
    const input = Array.isArray(meta.input) ? meta.input.slice() : meta.input;
    if (input !== undefined) call.content(K.ATTR_GEN_AI_INPUT_MESSAGES, () => toMessages(input, 'user'));
    const guard = (what: string, f: () => void) => {
      try {
        f();
      } catch (err) {
        reportInternal(`traceLLM ${what}`, err);
      }
    };
    handle = {
      span: call.span,
      setModel: (m) => guard('setModel', () => call.set(K.ATTR_GEN_AI_RESPONSE_MODEL, m)),
      setUsage: (u) => guard('setUsage', () => ((usageSet = true), call.usage(u))),
      setOutput: (o) => guard('setOutput', () => {
        const out = Array.isArray(o) ? o.slice() : o;
        call.content(K.ATTR_GEN_AI_OUTPUT_MESSAGES, () => toMessages(out, 'assistant'));
      }),
      setFinishReason: (r) => guard('setFinishReason', () => call.set(K.ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [r])),
      setResponseId: (id) => guard('setResponseId', () => call.set(K.ATTR_GEN_AI_RESPONSE_ID, id)),
      recordChunk: (c = true) => guard('recordChunk', () => call.chunk(c)),
      setAttribute: (k, v) => guard('setAttribute', () => call.set(k, v)),
    };
  } catch (err) {
    reportInternal('traceLLM', err);
    return fn(noopHandle());
  }
  return runInSpan(call.span, () => fn(handle), (ok, value) => {
    if (!ok) return call.fail(value);
    if (!usageSet) call.diagnose('usage_missing');
    call.finish(true, typeof value === 'object' && value !== null ? value : undefined);
  });
}

function noopHandle(): LLMSpanHandle {
  const noop = () => undefined;
  return {
    span: trace.getSpan(context.active()) ?? trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
    setModel: noop, setUsage: noop, setOutput: noop, setFinishReason: noop, setResponseId: noop, recordChunk: noop, setAttribute: noop,
  };
}
