import { INVALID_SPAN_CONTEXT, context, trace, type Span, type Tracer } from '@opentelemetry/api';
import * as K from '@sightline/contracts/semconv';
import { reportInternal } from '../diagnostics.ts';
import { observeApiCall, observeStream, type StreamObserver } from '../instrument.ts';
import { LlmCall } from '../llm-call.ts';
import { num } from '../openai/chat-mapping.ts';
import { patch, requestFields, snapshot } from '../openai/wrap.ts';
import { detectServer, type ServerInfo } from '../provider-detect.ts';
import { anthropicInputMessages, anthropicOutput, anthropicSystem, anthropicUsage } from './mapping.ts';

type Obj = Record<string, unknown>;
type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Options of {@link wrapAnthropic}. */
export interface WrapAnthropicOptions {
  /** Overrides the recorded `gen_ai.provider.name` (e.g. `'aws.bedrock'` behind a gateway). */
  provider?: string;
}

const WRAPPED = Symbol.for('sightline.wrapped');

/**
 * Instruments an `@anthropic-ai/sdk` client in place and returns it with its exact type:
 * `messages.create` (plain and streaming, and `messages.stream()` built on it), tool use, and
 * prompt-cache read/write tokens.
 *
 * @example
 * ```ts
 * import Anthropic from '@anthropic-ai/sdk';
 * import { wrapAnthropic } from '@sightline/sdk';
 * const anthropic = wrapAnthropic(new Anthropic());
 * const msg = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 512, messages });
 * ```
 */
export function wrapAnthropic<T extends object>(client: T, options: WrapAnthropicOptions = {}): T {
  try {
    const c = client as Obj & { baseURL?: string };
    if (!c || c[WRAPPED as unknown as string]) return client;
    const detected = detectServer(c.baseURL, 'anthropic');
    const server: ServerInfo = { ...detected, provider: options.provider ?? (detected.provider === 'openai_compatible' ? 'anthropic' : detected.provider) };
    patch(c.messages as Obj | undefined, 'create', (orig) => messagesCreate(client, orig, server));
    adoptClientSpans(c);
    Object.defineProperty(c, WRAPPED, { value: true, enumerable: false });
  } catch (err) {
    reportInternal('wrapAnthropic', err);
  }
  return client;
}

function messagesCreate(client: object, orig: Method, server: ServerInfo): Method {
  return function observedMessagesCreate(this: unknown, ...args: unknown[]) {
    let call: LlmCall;
    let body: Obj;
    try {
      body = requestFields(args[0]);
      const first = Array.isArray(body.messages) ? (body.messages as Obj[])[0]?.content : undefined;
      call = new LlmCall({
        operation: K.GEN_AI_OPERATION.chat,
        provider: server.provider,
        serverAddress: server.address,
        serverPort: server.port,
        model: typeof body.model === 'string' ? body.model : undefined,
        stream: body.stream === true,
        callKeySource: `${String(body.model)}|${typeof body.system === 'string' ? body.system : ''}|${typeof first === 'string' ? first : ''}`,
        params: {
          [K.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: num(body.max_tokens),
          [K.ATTR_GEN_AI_REQUEST_TEMPERATURE]: num(body.temperature),
          [K.ATTR_GEN_AI_REQUEST_TOP_P]: num(body.top_p),
          [K.ATTR_GEN_AI_REQUEST_TOP_K]: num(body.top_k),
          [K.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]: Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]) : undefined,
        },
      });
    } catch (err) {
      reportInternal('starting a messages span', err);
      return orig.apply(this, args);
    }
    return observeApiCall(client, call, () => invokeUnder(client, call.span, () => orig.apply(this, args)), undefined, [], (_call, value) => {
      call.content(K.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, () => anthropicSystem(body.system));
      const input = snapshot(body.messages);
      call.content(K.ATTR_GEN_AI_INPUT_MESSAGES, () => anthropicInputMessages(input));
      if (Array.isArray(body.tools)) call.content(K.ATTR_GEN_AI_TOOL_DEFINITIONS, () => body.tools);
      if (body.stream === true) return observeStream(value, call, messageStreamObserver(call));
      // Read when the span ends, off the app's await.
      call.later(() => recordMessage(call, value as Obj));
      call.finish(true, value as Obj);
    });
  };
}

/**
 * @anthropic-ai/sdk ≥ 1.x emits its own `anthropic.messages.create` span (gen_ai.operation.name
 * `chat`) whenever a tracer provider is registered; next to ours it would count every call, and
 * its cost, twice. The client starts that span through its `_tracer`, also from `messages.stream()`
 * before it reaches `create`: this tracer hands back, for that span name only, a non-recording span
 * carrying our LLM span's context when ours is active (so the client still propagates a
 * `traceparent` and HTTP instrumentation nests under our span) and an invalid one otherwise, which
 * the client treats as tracing off. Its other methods keep their spans.
 */
function adoptClientSpans(client: Obj): void {
  const inner = client._tracer as Tracer | undefined;
  if (!inner || typeof inner.startSpan !== 'function') return;
  const ours = new WeakSet<object>();
  const tracer: Tracer = {
    startSpan(name, options, ctx) {
      if (name !== CLIENT_CALL_SPAN) return inner.startSpan(name, options, ctx);
      const active = trace.getSpan(ctx ?? context.active());
      return trace.wrapSpanContext(active && ours.has(active) ? active.spanContext() : INVALID_SPAN_CONTEXT);
    },
    startActiveSpan: ((...args: Parameters<Tracer['startActiveSpan']>) => (inner.startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer['startActiveSpan'],
  };
  client._tracer = tracer;
  ownSpans.set(client, ours);
}

const CLIENT_CALL_SPAN = 'anthropic.messages.create';
const ownSpans = new WeakMap<object, WeakSet<object>>();

/** Runs the client's `create` with our span active, so the client's call span adopts its context. */
function invokeUnder<R>(client: object, span: Span, invoke: () => R): R {
  const ours = ownSpans.get(client);
  if (!ours) return invoke();
  ours.add(span);
  return context.with(trace.setSpan(context.active(), span), invoke);
}

function recordMessage(call: LlmCall, message: Obj): void {
  call.set(K.ATTR_GEN_AI_RESPONSE_ID, typeof message.id === 'string' ? message.id : undefined);
  call.set(K.ATTR_GEN_AI_RESPONSE_MODEL, typeof message.model === 'string' ? message.model : undefined);
  if (typeof message.stop_reason === 'string') call.set(K.ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [message.stop_reason]);
  call.content(K.ATTR_GEN_AI_OUTPUT_MESSAGES, () => anthropicOutput(message));
  call.usage(anthropicUsage(message.usage));
}

/** Rebuilds the message from a raw `messages.create({ stream: true })` event sequence. */
function messageStreamObserver(call: LlmCall): StreamObserver<Obj> {
  let message: Obj | undefined;
  const blocks: Obj[] = [];
  const partialJson = new Map<number, string[]>();
  let usage: Obj = {};
  let sawUsage = false;
  return {
    onChunk(event) {
      const type = event.type;
      if (type === 'message_start') {
        message = { ...(event.message as Obj) };
        if ((message.usage as Obj | undefined) !== undefined) {
          usage = { ...(message.usage as Obj) };
          sawUsage = true;
        }
        call.chunk(false);
      } else if (type === 'content_block_start') {
        blocks[Number(event.index ?? blocks.length)] = { ...(event.content_block as Obj) };
        call.chunk(false);
      } else if (type === 'content_block_delta') {
        const idx = Number(event.index ?? 0);
        const block = (blocks[idx] ??= { type: 'text', text: '' });
        const delta = (event.delta ?? {}) as Obj;
        if (delta.type === 'text_delta') block.text = String(block.text ?? '') + String(delta.text ?? '');
        else if (delta.type === 'thinking_delta') block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
        else if (delta.type === 'input_json_delta') {
          const parts = partialJson.get(idx) ?? [];
          parts.push(String(delta.partial_json ?? ''));
          partialJson.set(idx, parts);
        }
        call.chunk(true);
      } else if (type === 'message_delta') {
        const delta = (event.delta ?? {}) as Obj;
        if (message && delta.stop_reason !== undefined) message.stop_reason = delta.stop_reason;
        if (event.usage) {
          usage = { ...usage, ...Object.fromEntries(Object.entries(event.usage as Obj).filter(([, v]) => v !== null)) };
          sawUsage = true;
        }
        call.chunk(false);
      } else {
        call.chunk(false);
      }
    },
    onEnd() {
      for (const [idx, parts] of partialJson) {
        const block = blocks[idx];
        if (!block) continue;
        const text = parts.join('');
        try {
          block.input = text ? JSON.parse(text) : {};
        } catch {
          block.input = text; // a truncated stream leaves partial JSON: keep it as text
        }
      }
      if (!message) {
        call.diagnose('stream_ended_without_message_start');
        call.diagnose('stream_usage_missing');
        call.finish();
        return;
      }
      message.content = blocks;
      message.usage = sawUsage ? usage : undefined;
      if (!sawUsage) call.diagnose('stream_usage_missing');
      recordMessage(call, message);
      call.finish();
    },
  };
}
