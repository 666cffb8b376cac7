import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import * as K from '@sightline/contracts/semconv';
import { wallClockMs } from './clock.ts';
import { prepareContent, safeStringify } from './content.ts';
import { endpointUnder } from './endpoint.ts';
import { reportInternal } from './diagnostics.ts';
import { deferEnd, rememberCall } from './pending-end.ts';
import { currentScope, hashKey, nextAttempt, type Scope } from './scope.ts';
import { sdkTracer, settings } from './settings.ts';
import { SDK_VERSION } from './version.ts';

/** Token counts in GenAI terms: `inputTokens` includes cached tokens. */
export interface Usage {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  cacheReadTokens?: number | undefined;
  cacheCreationTokens?: number | undefined;
  reasoningTokens?: number | undefined;
}

export interface LlmCallStart {
  operation: string;
  provider: string;
  model?: string | undefined;
  serverAddress?: string | undefined;
  serverPort?: number | undefined;
  stream?: boolean;
  /** Request parameters already keyed by semconv name; undefined values are skipped. */
  params?: Record<string, string | number | boolean | string[] | undefined>;
  /** Text identifying the logical call (model + leading messages) for attempt numbering. */
  callKeySource?: string | undefined;
  /** Builds `callKeySource` from `request`, only when attempts are numbered (a parent or scope). */
  callKeyOf?: (request: unknown) => string;
  /** The provider request, kept on the call for `record` (see {@link LlmCall.request}). */
  request?: unknown;
  spanName?: string;
  /**
   * Attributes already keyed by semconv name (e.g. a wrapped client's constants plus the request
   * parameters), taken over as the span's attribute object: pass a fresh object.
   */
  attributes?: Attributes;
  /**
   * Create the span when the call ends, from the recorded start time, instead of now. Only for
   * leaf spans whose context nothing inside the call needs (the span is not active during it).
   */
  lateSpan?: boolean;
}

// A span whose result object is garbage-collected before the app read it (a stream never iterated,
// a raw response never parsed) still ends, with a diagnostic rather than silently never. Calls
// that finish unregister, so the common path costs no finalizer work.
const abandoned = new FinalizationRegistry<LlmCall>((call) => {
  if (call.finished) return;
  call.diagnose('result_not_consumed');
  call.finish(false);
});

interface BufferedEvent {
  name: string;
  attributes: Attributes | undefined;
  timeMs: number;
}

/**
 * One LLM call being observed. Attributes accumulate in a plain object and reach the span when it
 * is sealed, off the app's call path; a leaf call (`lateSpan`) creates its span only then, with
 * the recorded start time. The span is ended through {@link deferEnd} so a following
 * `recordValidation()` can still mark it.
 */
export class LlmCall {
  private current: Span | undefined;
  readonly parentKey: object | string;
  // What a wrapper keeps for reading request and response when the call is sealed (`record`):
  // plain fields rather than closures, so the call path allocates as little as possible.
  request: unknown;
  input: unknown;
  response: unknown;
  output: unknown;
  /** Runs when the call is sealed, before queued content: reads `request`/`response` into attributes. */
  record: ((call: LlmCall) => void) | undefined;
  /** The response object `recordValidation(result, response)` may name (see pending-end). */
  rememberedResponse: object | undefined;
  private readonly ctx: Context;
  private readonly name: string;
  private readonly startMs = performance.now();
  /** The span's start on the wall clock; later times are this plus their performance.now() distance from it. */
  private readonly startWallMs = wallClockMs(this.startMs);
  endMs = 0;
  /** When a finished call is due to be sealed (validation window). */
  dueMs = 0;
  private firstChunkMs: number | undefined;
  private chunks = 0;
  /** Attributes known at the start, given to the span when it starts (samplers may read them). */
  private startAttrs: Attributes | undefined;
  /** Attributes recorded since, written when the call is sealed. */
  private attrs: Attributes = {};
  private diagnostics: string[] | undefined;
  private truncated: string[] | undefined;
  private lazy: Array<[string, () => unknown]> | undefined;
  private deferred: Array<(call: LlmCall) => void> | undefined;
  private events: BufferedEvent[] | undefined;
  private error: { err: unknown; timeMs: number } | undefined;
  private watched = false;
  finished = false;
  sealed = false;

  constructor(start: LlmCallStart) {
    const ctx = context.active();
    const parent = trace.getSpan(ctx);
    const scope = currentScope(ctx);
    this.ctx = ctx;
    this.parentKey = parent ?? scope ?? 'root';
    const attrs: Attributes = start.attributes ?? {};
    attrs[K.ATTR_GEN_AI_OPERATION_NAME] = start.operation;
    attrs[K.ATTR_GEN_AI_PROVIDER_NAME] = start.provider;
    attrs[K.ATTR_SIGHTLINE_SDK_VERSION] = SDK_VERSION;
    attrs[K.ATTR_SIGHTLINE_SPAN_CLASS] = start.operation === K.GEN_AI_OPERATION.embeddings ? 'embedding' : 'llm';
    if (start.model !== undefined) attrs[K.ATTR_GEN_AI_REQUEST_MODEL] = start.model;
    if (start.serverAddress) attrs[K.ATTR_SERVER_ADDRESS] = start.serverAddress;
    if (start.serverPort) attrs[K.ATTR_SERVER_PORT] = start.serverPort;
    if (start.stream) attrs[K.ATTR_GEN_AI_REQUEST_STREAM] = true;
    if (start.params) {
      for (const key in start.params) {
        const v = start.params[key];
        if (v !== undefined && v !== null) attrs[key] = v;
      }
    }
    if (scope) applyScope(attrs, scope);
    const configVersion = scope?.configVersion ?? settings.configVersion;
    if (configVersion !== undefined) attrs[K.ATTR_SIGHTLINE_CONFIG_VERSION] = configVersion;
    const endpoint = endpointUnder(parent, ctx);
    if (endpoint !== undefined) attrs[K.ATTR_SIGHTLINE_ENDPOINT] = endpoint;
    this.request = start.request;
    if ((start.callKeySource !== undefined || start.callKeyOf) && (parent || scope)) {
      const callKey = hashKey(start.callKeySource ?? (start.callKeyOf as (r: unknown) => string)(start.request));
      const parentId = parent ? parent.spanContext().spanId : `${scope?.sessionId ?? ''}|${scope?.userId ?? ''}`;
      attrs[K.ATTR_SIGHTLINE_CALL_KEY] = callKey;
      attrs[K.ATTR_SIGHTLINE_ATTEMPT] = nextAttempt(parentId, callKey);
    }
    this.name = start.spanName ?? (start.model ? `${start.operation} ${start.model}` : start.operation);
    if (start.lateSpan) {
      this.startAttrs = attrs;
      return;
    }
    this.current = sdkTracer().startSpan(this.name, { kind: SpanKind.CLIENT, attributes: attrs, startTime: this.startWallMs }, ctx);
  }

  /**
   * The call's span. A late-span call has one only once sealed; asking earlier creates it now
   * (with the recorded start time), which is always correct, only not the cheap path.
   */
  get span(): Span {
    return (this.current ??= this.startSpan());
  }

  private startSpan(): Span {
    const attributes = this.startAttrs ?? {};
    this.startAttrs = undefined;
    return sdkTracer().startSpan(this.name, { kind: SpanKind.CLIENT, attributes, startTime: this.startWallMs }, this.ctx);
  }

  /** Whether what is recorded on this call can reach an exported span. */
  isRecording(): boolean {
    return this.current ? this.current.isRecording() : true;
  }

  /** Ends this call with a diagnostic if `target`, its latest result, is collected before it finished. */
  watch(target: object): void {
    // A new result replaces the old one: once the app holds the stream, the promise that delivered
    // it is garbage, and its collection must not end a call whose stream is still being read.
    if (this.watched) abandoned.unregister(this);
    abandoned.register(target, this, this);
    this.watched = true;
  }

  /**
   * Queues a content attribute; it is serialised, redacted, masked and capped when the span ends,
   * off the app's call path. `build` must capture a snapshot of anything the app could mutate.
   */
  content(key: string, build: () => unknown): void {
    if (!settings.content.capture) return;
    (this.lazy ??= []).push([key, build]);
  }

  /**
   * Runs `record` when the span ends instead of on the app's call path (response attributes read
   * from a result object the app is done with by then).
   */
  later(record: (call: LlmCall) => void): void {
    (this.deferred ??= []).push(record);
  }

  /** Records already serialised content text: redacted (unless `redacted` already), masked and capped here. */
  contentText(key: string, text: string, redacted = false): void {
    try {
      const { value, truncated } = prepareContent(text, key, settings.content, redacted);
      this.attrs[key] = flatten(value);
      if (truncated) (this.truncated ??= []).push(key);
    } catch (err) {
      reportInternal(`capturing ${key}`, err);
    }
  }

  private writeContent(key: string, build: () => unknown): void {
    try {
      const raw = build();
      if (raw === undefined) return;
      this.contentText(key, typeof raw === 'string' ? raw : safeStringify(raw));
    } catch (err) {
      reportInternal(`capturing ${key}`, err);
    }
  }

  /** Writes everything recorded to the span (creating it for a late-span call) and ends it. */
  seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    if (this.record) {
      try {
        this.record(this);
      } catch (err) {
        reportInternal('recording a response', err);
      }
      this.record = undefined;
    }
    if (this.deferred) {
      for (const record of this.deferred) {
        try {
          record(this);
        } catch (err) {
          reportInternal('recording a response', err);
        }
      }
      this.deferred = undefined;
    }
    if (this.lazy) for (const [key, build] of this.lazy) this.writeContent(key, build);
    this.lazy = undefined;
    this.request = this.input = this.response = this.output = undefined;
    const attrs = this.attrs;
    if (this.firstChunkMs !== undefined) attrs[K.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = (this.firstChunkMs - this.startMs) / 1000;
    if (this.chunks > 0) attrs[K.ATTR_SIGHTLINE_STREAM_CHUNK_COUNT] = this.chunks;
    if (this.diagnostics) attrs[K.ATTR_SIGHTLINE_DIAGNOSTICS] = JSON.stringify(this.diagnostics);
    if (this.truncated) attrs[K.ATTR_SIGHTLINE_TRUNCATED] = this.truncated.join(',');
    const span = (this.current ??= this.startSpan());
    span.setAttributes(attrs);
    this.attrs = {};
    if (this.events) for (const e of this.events) span.addEvent(e.name, e.attributes, this.wallMs(e.timeMs));
    this.events = undefined;
    if (this.error) this.recordError(span, this.error.err, this.error.timeMs);
    this.error = undefined;
    span.end(this.wallMs(this.endMs));
  }

  set(key: string, value: string | number | boolean | string[] | undefined | null): void {
    if (value !== undefined && value !== null) this.attrs[key] = value;
  }

  usage(u: Usage | undefined): void {
    if (!u) return this.diagnose('usage_missing');
    this.set(K.ATTR_GEN_AI_USAGE_INPUT_TOKENS, u.inputTokens);
    this.set(K.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, u.outputTokens);
    this.set(K.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, u.cacheReadTokens);
    this.set(K.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, u.cacheCreationTokens);
    this.set(K.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, u.reasoningTokens);
  }

  /** Counts a stream chunk; the first one carrying content fixes the time to first chunk. */
  chunk(carriesContent: boolean): void {
    this.chunks++;
    if (carriesContent && this.firstChunkMs === undefined) this.firstChunkMs = performance.now();
  }

  /** Marks now as the time of the first chunk carrying content (if none was marked yet). */
  firstChunk(): void {
    this.firstChunkMs ??= performance.now();
  }

  /** Records the chunk count of a stream whose chunks were counted in one go at its end. */
  chunkCount(count: number): void {
    this.chunks += count;
  }

  diagnose(code: string): void {
    (this.diagnostics ??= []).push(code);
  }

  event(name: string, attributes?: Attributes): void {
    if (this.sealed) return;
    (this.events ??= []).push({ name, attributes, timeMs: performance.now() });
  }

  /** Marks the span failed with the provider's error; the error itself goes back to the app untouched. */
  fail(err: unknown): void {
    if (!this.sealed) this.error ??= { err, timeMs: performance.now() };
    this.finish(false);
  }

  /** A performance.now() time of this call on the wall clock, on the scale its start was taken. */
  private wallMs(perfMs: number): number {
    return this.startWallMs + (perfMs - this.startMs);
  }

  private recordError(span: Span, err: unknown, timeMs: number): void {
    try {
      const e = err as { name?: unknown; status?: unknown; message?: unknown; constructor?: { name?: string } };
      const status = typeof e?.status === 'number' ? e.status : undefined;
      const type = status !== undefined ? String(status) : (e?.constructor?.name ?? (typeof e?.name === 'string' ? e.name : 'Error'));
      span.setAttribute(K.ATTR_ERROR_TYPE, type);
      if (status !== undefined) span.setAttribute(K.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (err instanceof Error) span.recordException(err, this.wallMs(timeMs));
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof e?.message === 'string' ? e.message.slice(0, 1024) : type });
    } catch (recordErr) {
      reportInternal('recording a provider error', recordErr);
    }
  }

  /** Completes the call. `awaitValidation` keeps the span open briefly for `recordValidation()`. */
  finish(awaitValidation = true, response?: object): void {
    if (this.finished) return;
    this.finished = true;
    if (this.watched) abandoned.unregister(this);
    this.endMs = performance.now();
    if (awaitValidation) {
      rememberCall(this, response);
      deferEnd(this);
      return;
    }
    try {
      this.seal();
    } catch (err) {
      reportInternal('sealing an LLM span', err);
    }
  }
}

/**
 * Content JSON is built by concatenation, a rope of pieces. Reading a character flattens it in
 * place now, while it is young: the exporter's UTF-8 write of a rope that has since survived a
 * collection costs ~10x that of a flat string (~2 µs vs ~0.2 µs per 2 KB, measured).
 */
function flatten(text: string): string {
  if (text.length > 0) text.charCodeAt(0);
  return text;
}

function applyScope(attrs: Attributes, scope: Scope): void {
  if (scope.userId !== undefined) {
    attrs[K.ATTR_USER_ID] = scope.userId;
    attrs[K.ATTR_SIGHTLINE_USER_ID] = scope.userId;
  }
  if (scope.sessionId !== undefined) {
    attrs[K.ATTR_SESSION_ID] = scope.sessionId;
    attrs[K.ATTR_GEN_AI_CONVERSATION_ID] = scope.sessionId;
  }
  if (scope.metadata) {
    for (const key of Object.keys(scope.metadata)) {
      const v = scope.metadata[key];
      if (v === undefined || v === null) continue;
      attrs[K.ATTR_SIGHTLINE_METADATA_PREFIX + key] =
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : safeStringify(v).slice(0, 4096);
    }
  }
  const prompt = scope.prompt;
  if (prompt) {
    attrs[K.ATTR_SIGHTLINE_PROMPT_NAME] = prompt.name;
    if (prompt.version !== undefined) attrs[K.ATTR_SIGHTLINE_PROMPT_VERSION] = String(prompt.version);
    if (prompt.variables !== undefined && settings.content.capture) {
      const { value } = prepareContent(safeStringify(prompt.variables), K.ATTR_SIGHTLINE_PROMPT_VARIABLES, settings.content);
      attrs[K.ATTR_SIGHTLINE_PROMPT_VARIABLES] = value;
    }
  }
}
