import type { Attributes } from '@opentelemetry/api';
import * as K from '@sightline/contracts/semconv';
import { reportInternal } from '../diagnostics.ts';
import { observeApiCall, observeStream } from '../instrument.ts';
import { LlmCall } from '../llm-call.ts';
import { detectServer, type ServerInfo } from '../provider-detect.ts';
import { contentOptions } from '../content.ts';
import { settings } from '../settings.ts';
import { chatStreamObserver } from './chat-stream.ts';
import { chatCallKey, chatInputJson, chatOutputJson, finishReasons, num, openaiUsage, recordOpenaiUsage } from './chat-mapping.ts';
import { recordResponse, responsesInputMessages, responsesStreamObserver } from './responses-mapping.ts';

type Obj = Record<string, unknown>;
type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Options of {@link wrapOpenAI}. */
export interface WrapOpenAIOptions {
  /** Overrides the detected `gen_ai.provider.name` (e.g. `'vllm'` behind a proxy). */
  provider?: string;
}

const WRAPPED = Symbol.for('sightline.wrapped');

/**
 * Instruments an `openai` client in place and returns it with its exact type: chat completions
 * (plain, streaming, `parse`, and the `stream()`/`runTools()` helpers built on them), the
 * Responses API and embeddings. The provider is detected from `baseURL`, so a client pointed at
 * vLLM, Ollama, Groq or any OpenAI-compatible server is recorded as that server.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { init, wrapOpenAI } from '@sightline/sdk';
 * init({ serviceName: 'support-bot' });
 * const openai = wrapOpenAI(new OpenAI());
 * const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function wrapOpenAI<T extends object>(client: T, options: WrapOpenAIOptions = {}): T {
  try {
    const c = client as Obj & { baseURL?: string };
    if (!c || c[WRAPPED as unknown as string]) return client;
    const detected = detectServer(c.baseURL, 'openai');
    const server: ServerInfo = options.provider ? { ...detected, provider: options.provider } : detected;
    const chat = (c.chat as Obj | undefined)?.completions as Obj | undefined;
    patch(chat, 'create', (orig) => chatCreate(client, orig, server));
    patch(c.responses as Obj | undefined, 'create', (orig) => responsesCreate(client, orig, server));
    patch(c.embeddings as Obj | undefined, 'create', (orig) => embeddingsCreate(client, orig, server));
    Object.defineProperty(c, WRAPPED, { value: true, enumerable: false });
  } catch (err) {
    reportInternal('wrapOpenAI', err);
  }
  return client;
}

/** Replaces `target[name]` on the instance (not the shared prototype) with an observed version. */
export function patch(target: Obj | undefined, name: string, make: (orig: Method) => Method): void {
  const orig = target?.[name];
  if (!target || typeof orig !== 'function') return;
  target[name] = make(orig as Method);
}

/**
 * The request's fields, copied in one pass into a plain object the wrappers then read. Reading an
 * absent key straight off the app's params takes V8's slow path when they were built by spreading
 * and adding keys (`{ ...params, stream: true }`, common in apps): ~130 ns per absent key, over a
 * microsecond per call for the optional parameters looked up. The copy's misses are cached.
 * The provider still gets the app's own object.
 */
export function requestFields(request: unknown): Obj {
  const fields: Obj = {};
  if (request === null || typeof request !== 'object') return fields;
  const from = request as Obj;
  // Inherited enumerable keys included, as reading `request.key` would see them.
  for (const key in from) {
    // An own `__proto__` key (params parsed from JSON) would set the copy's prototype.
    if (key !== '__proto__') fields[key] = from[key];
  }
  return fields;
}

/** A shallow copy of an array the app may keep appending to (a chat history). */
export function snapshot<T>(value: T): T {
  return (Array.isArray(value) ? value.slice() : value) as T;
}

function serverStart(server: ServerInfo) {
  return { provider: server.provider, serverAddress: server.address, serverPort: server.port };
}

function setNum(attrs: Attributes, key: string, v: unknown): void {
  if (typeof v === 'number' && Number.isFinite(v)) attrs[key] = v;
}

/** Request parameters of a chat call, keyed by semconv name (only those the request sets). */
function chatRequestAttributes(body: Obj): Attributes {
  const attrs: Attributes = {};
  setNum(attrs, K.ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_completion_tokens ?? body.max_tokens);
  setNum(attrs, K.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNum(attrs, K.ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
  if (body.seed !== undefined) setNum(attrs, K.ATTR_GEN_AI_REQUEST_SEED, body.seed);
  if (body.frequency_penalty !== undefined) setNum(attrs, K.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
  if (body.presence_penalty !== undefined) setNum(attrs, K.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
  if (body.n !== 1) setNum(attrs, K.ATTR_GEN_AI_REQUEST_CHOICE_COUNT, body.n);
  if (typeof body.stop === 'string') attrs[K.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = [body.stop];
  else if (Array.isArray(body.stop)) attrs[K.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = body.stop as string[];
  if (typeof body.service_tier === 'string') attrs[K.ATTR_OPENAI_REQUEST_SERVICE_TIER] = body.service_tier;
  const format = (body.response_format as Obj | undefined)?.type;
  if (format === 'json_schema' || format === 'json_object') attrs[K.ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
  return attrs;
}

function chatKeyOf(request: unknown): string {
  const body = request as Obj;
  return chatCallKey(body.model, body.messages);
}

function chatCreate(client: object, orig: Method, server: ServerInfo): Method {
  return function observedChatCreate(this: unknown, ...args: unknown[]) {
    let call: LlmCall;
    try {
      const body = requestFields(args[0]);
      const stream = body.stream === true;
      call = new LlmCall({
        operation: K.GEN_AI_OPERATION.chat,
        provider: server.provider,
        serverAddress: server.address,
        serverPort: server.port,
        model: typeof body.model === 'string' ? body.model : undefined,
        stream,
        callKeyOf: chatKeyOf,
        request: body,
        attributes: chatRequestAttributes(body),
        // A leaf span: nothing runs under it, so it is made when the call ends, off the app's path.
        lateSpan: true,
      });
      // The app may push to `messages` once the call returns: keep the list as sent.
      if (settings.content.capture) call.input = snapshot(body.messages);
    } catch (err) {
      reportInternal('starting a chat span', err);
      return orig.apply(this, args);
    }
    return observeApiCall(client, call, orig, this, args, onChatValue);
  };
}

function onChatValue(call: LlmCall, value: unknown): void {
  const body = call.request as Obj;
  if (body.stream === true) {
    call.record = recordChatRequestContent;
    return observeStream(value, call, chatStreamObserver(call));
  }
  const res = value as Obj;
  // Read when the span ends, off the app's await: only the array it may still mutate is copied.
  call.response = res;
  call.output = snapshot(res.choices);
  call.record = recordChatResponse;
  call.finish(true, res);
}

function recordChatRequestContent(call: LlmCall): void {
  if (!settings.content.capture) return;
  const input = chatInputJson(call.input, contentOptions(settings.content));
  if (input !== undefined) call.contentText(K.ATTR_GEN_AI_INPUT_MESSAGES, input, true);
  const tools = (call.request as Obj).tools;
  if (Array.isArray(tools)) call.content(K.ATTR_GEN_AI_TOOL_DEFINITIONS, () => tools);
}

function recordChatResponse(call: LlmCall): void {
  const res = call.response as Obj;
  call.set(K.ATTR_GEN_AI_RESPONSE_ID, typeof res.id === 'string' ? res.id : undefined);
  call.set(K.ATTR_GEN_AI_RESPONSE_MODEL, typeof res.model === 'string' ? res.model : undefined);
  call.set(K.ATTR_OPENAI_RESPONSE_SERVICE_TIER, typeof res.service_tier === 'string' ? res.service_tier : undefined);
  call.set(K.ATTR_GEN_AI_RESPONSE_FINISH_REASONS, finishReasons(call.output));
  recordOpenaiUsage(call, res.usage);
  recordChatRequestContent(call);
  if (settings.content.capture) call.contentText(K.ATTR_GEN_AI_OUTPUT_MESSAGES, chatOutputJson(call.output, contentOptions(settings.content)), true);
}

function responsesCreate(client: object, orig: Method, server: ServerInfo): Method {
  return function observedResponsesCreate(this: unknown, ...args: unknown[]) {
    let call: LlmCall;
    let body: Obj;
    try {
      body = requestFields(args[0]);
      call = new LlmCall({
        operation: K.GEN_AI_OPERATION.chat,
        ...serverStart(server),
        model: typeof body.model === 'string' ? body.model : undefined,
        stream: body.stream === true,
        lateSpan: true,
        callKeySource: `${String(body.model)}|${typeof body.instructions === 'string' ? body.instructions : ''}|${typeof body.input === 'string' ? body.input : ''}`,
        params: {
          [K.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: num(body.max_output_tokens),
          [K.ATTR_GEN_AI_REQUEST_TEMPERATURE]: num(body.temperature),
          [K.ATTR_GEN_AI_REQUEST_TOP_P]: num(body.top_p),
          [K.ATTR_OPENAI_REQUEST_SERVICE_TIER]: typeof body.service_tier === 'string' ? body.service_tier : undefined,
        },
      });
    } catch (err) {
      reportInternal('starting a responses span', err);
      return orig.apply(this, args);
    }
    return observeApiCall(client, call, orig, this, args, (_call, value) => {
      if (typeof body.instructions === 'string') {
        call.content(K.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, () => [{ type: 'text', content: body.instructions }]);
      }
      const input = snapshot(body.input);
      call.content(K.ATTR_GEN_AI_INPUT_MESSAGES, () => responsesInputMessages(input));
      if (Array.isArray(body.tools)) call.content(K.ATTR_GEN_AI_TOOL_DEFINITIONS, () => body.tools);
      if (body.stream === true) return observeStream(value, call, responsesStreamObserver(call));
      recordResponse(call, value as Obj);
      call.finish(true, value as Obj);
    });
  };
}

function embeddingsCreate(client: object, orig: Method, server: ServerInfo): Method {
  return function observedEmbeddingsCreate(this: unknown, ...args: unknown[]) {
    let call: LlmCall;
    let body: Obj;
    try {
      body = requestFields(args[0]);
      call = new LlmCall({
        operation: K.GEN_AI_OPERATION.embeddings,
        ...serverStart(server),
        lateSpan: true,
        model: typeof body.model === 'string' ? body.model : undefined,
        params: {
          [K.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS]: typeof body.encoding_format === 'string' ? [body.encoding_format] : undefined,
          [K.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: num(body.dimensions),
        },
      });
    } catch (err) {
      reportInternal('starting an embeddings span', err);
      return orig.apply(this, args);
    }
    return observeApiCall(client, call, orig, this, args, (_call, value) => {
      const res = value as Obj;
      call.set(K.ATTR_GEN_AI_RESPONSE_MODEL, typeof res.model === 'string' ? res.model : undefined);
      const first = (res.data as Obj[] | undefined)?.[0]?.embedding;
      if (Array.isArray(first) && body.dimensions === undefined) call.set(K.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, first.length);
      const usage = openaiUsage(res.usage);
      call.usage(usage && { inputTokens: usage.inputTokens });
      call.finish(false);
    });
  };
}
