import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Span } from '@opentelemetry/api';
import * as K from '@sightline/contracts/semconv';
import { prepareContent, safeStringify } from './content.ts';
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
  spanName?: string;
}

// A span whose result object is garbage-collected before the app read it (a stream never iterated,
// a raw response never parsed) still ends, with a diagnostic rather than silently never. Calls
// that finish unregister, so the common path costs no finalizer work.
const abandoned = new FinalizationRegistry<LlmCall>((call) => {
  if (call.finished) return;
  call.diagnose('result_not_consumed');
  call.finish(false);
});

/**
 * One LLM call being observed. Scalars go on the span at start; content is serialised once, when
 * the response is in, and the span is ended through {@link deferEnd} so a following
 * `recordValidation()` can still mark it.
 */
export class LlmCall {
  readonly span: Span;
  readonly parentKey: object | string;
  private readonly startMs = performance.now();
  private firstChunkMs: number | undefined;
  private chunkCount = 0;
  private diagnostics: string[] | undefined;
  private truncated: string[] | undefined;
  private lazy: Array<[string, () => unknown]> | undefined;
  private deferred: Array<() => void> | undefined;
  private watched = false;
  finished = false;

  constructor(start: LlmCallStart) {
    const ctx = context.active();
    const parent = trace.getSpan(ctx);
    const scope = currentScope(ctx);
    this.parentKey = parent ?? scope ?? 'root';
    const attrs: Attributes = {
      [K.ATTR_GEN_AI_OPERATION_NAME]: start.operation,
      [K.ATTR_GEN_AI_PROVIDER_NAME]: start.provider,
      [K.ATTR_SIGHTLINE_SDK_VERSION]: SDK_VERSION,
      [K.ATTR_SIGHTLINE_SPAN_CLASS]: start.operation === K.GEN_AI_OPERATION.embeddings ? 'embedding' : 'llm',
    };
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
    if (start.callKeySource !== undefined && (parent || scope)) {
      const callKey = hashKey(start.callKeySource);
      const parentId = parent ? parent.spanContext().spanId : `${scope?.sessionId ?? ''}|${scope?.userId ?? ''}`;
      attrs[K.ATTR_SIGHTLINE_CALL_KEY] = callKey;
      attrs[K.ATTR_SIGHTLINE_ATTEMPT] = nextAttempt(parentId, callKey);
    }
    const name = start.spanName ?? (start.model ? `${start.operation} ${start.model}` : start.operation);
    this.span = sdkTracer().startSpan(name, { kind: SpanKind.CLIENT, attributes: attrs }, ctx);
  }

  /** Ends this call with a diagnostic if `target` is collected before the call finished. */
  watch(target: object): void {
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
  later(record: () => void): void {
    (this.deferred ??= []).push(record);
  }

  private writeContent(key: string, build: () => unknown): void {
    try {
      const raw = build();
      if (raw === undefined) return;
      const text = typeof raw === 'string' ? raw : safeStringify(raw);
      const { value, truncated } = prepareContent(text, key, settings.content);
      this.span.setAttribute(key, value);
      if (truncated) (this.truncated ??= []).push(key);
    } catch (err) {
      reportInternal(`capturing ${key}`, err);
    }
  }

  /** Writes everything deferred to the end of the span. */
  private seal(): void {
    if (this.deferred) {
      for (const record of this.deferred) {
        try {
          record();
        } catch (err) {
          reportInternal('recording a response', err);
        }
      }
      this.deferred = undefined;
    }
    if (this.lazy) for (const [key, build] of this.lazy) this.writeContent(key, build);
    this.lazy = undefined;
    if (this.diagnostics) this.span.setAttribute(K.ATTR_SIGHTLINE_DIAGNOSTICS, JSON.stringify(this.diagnostics));
    if (this.truncated) this.span.setAttribute(K.ATTR_SIGHTLINE_TRUNCATED, this.truncated.join(','));
  }

  set(key: string, value: string | number | boolean | string[] | undefined | null): void {
    if (value !== undefined && value !== null) this.span.setAttribute(key, value);
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
    this.chunkCount++;
    if (carriesContent && this.firstChunkMs === undefined) this.firstChunkMs = performance.now();
  }

  diagnose(code: string): void {
    (this.diagnostics ??= []).push(code);
  }

  event(name: string, attributes?: Attributes): void {
    this.span.addEvent(name, attributes);
  }

  /** Marks the span failed with the provider's error; the error itself goes back to the app untouched. */
  fail(err: unknown): void {
    try {
      const e = err as { name?: unknown; status?: unknown; message?: unknown; constructor?: { name?: string } };
      const status = typeof e?.status === 'number' ? e.status : undefined;
      const type = status !== undefined ? String(status) : (e?.constructor?.name ?? (typeof e?.name === 'string' ? e.name : 'Error'));
      this.set(K.ATTR_ERROR_TYPE, type);
      this.set(K.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (err instanceof Error) this.span.recordException(err);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: typeof e?.message === 'string' ? e.message.slice(0, 1024) : type });
    } catch (recordErr) {
      reportInternal('recording a provider error', recordErr);
    }
    this.finish(false);
  }

  /** Completes the call. `awaitValidation` keeps the span open briefly for `recordValidation()`. */
  finish(awaitValidation = true, response?: object): void {
    if (this.finished) return;
    this.finished = true;
    if (this.watched) abandoned.unregister(this);
    const endMs = performance.now();
    try {
      if (this.firstChunkMs !== undefined) {
        this.span.setAttribute(K.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (this.firstChunkMs - this.startMs) / 1000);
      }
      if (this.chunkCount > 0) this.span.setAttribute(K.ATTR_SIGHTLINE_STREAM_CHUNK_COUNT, this.chunkCount);
    } catch (err) {
      reportInternal('finishing an LLM span', err);
    }
    if (awaitValidation) {
      rememberCall(this, response);
      deferEnd(this.span, endMs, () => this.seal());
      return;
    }
    try {
      this.seal();
    } catch (err) {
      reportInternal('sealing an LLM span', err);
    }
    this.span.end(endMs);
  }
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
