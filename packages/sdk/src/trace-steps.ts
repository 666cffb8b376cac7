import { SpanKind, context, trace, type Attributes, type Span } from '@opentelemetry/api';
import * as K from '@sightline/contracts/semconv';
import { wallClockMs } from './clock.ts';
import { prepareContent, safeStringify } from './content.ts';
import { reportInternal } from './diagnostics.ts';
import { endpointUnder } from './endpoint.ts';
import { markError, runInSpan } from './run-in-span.ts';
import { sdkTracer, settings } from './settings.ts';

/** Extra details of a tool call for {@link traceTool}. */
export interface ToolOptions {
  /** The arguments the model produced (recorded as content). */
  arguments?: unknown;
  callId?: string;
  description?: string;
  /** `gen_ai.tool.type`: `'function'` (default), `'extension'`, `'datastore'`. */
  type?: string;
}

/** A retrieved document as {@link traceRetrieval} records it. */
export interface RetrievedDocument {
  id: string;
  score?: number;
}

function setContent(span: Span, key: string, value: unknown): void {
  if (!settings.content.capture || value === undefined) return;
  try {
    const text = typeof value === 'string' ? value : safeStringify(value);
    const { value: v, truncated } = prepareContent(text, key, settings.content);
    span.setAttribute(key, v);
    if (truncated) span.setAttribute(K.ATTR_SIGHTLINE_TRUNCATED, key);
  } catch (err) {
    reportInternal(`capturing ${key}`, err);
  }
}

function startStep(name: string, attributes: Attributes, kind: SpanKind = SpanKind.INTERNAL): Span {
  const ctx = context.active();
  const endpoint = endpointUnder(trace.getSpan(ctx), ctx);
  if (endpoint !== undefined) attributes[K.ATTR_SIGHTLINE_ENDPOINT] = endpoint;
  return sdkTracer().startSpan(name, { kind, attributes, startTime: wallClockMs() }, ctx);
}

function guarded<T>(
  what: string,
  start: () => Span,
  fn: (span: Span) => T,
  onValue?: (span: Span, value: unknown) => void,
): T {
  let span: Span;
  try {
    span = start();
  } catch (err) {
    reportInternal(what, err);
    return fn(trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }));
  }
  return runInSpan(span, () => fn(span), (ok, value) => {
    if (!ok) markError(span, value);
    else if (onValue) {
      try {
        onValue(span, value);
      } catch (err) {
        reportInternal(`${what} result`, err);
      }
    }
    span.end(wallClockMs());
  });
}

/**
 * Traces a tool the model asked for; its return value is recorded as the tool result.
 *
 * @example
 * ```ts
 * const weather = await traceTool('get_weather', () => getWeather(args.city), { arguments: args, callId: call.id });
 * ```
 */
export function traceTool<T>(name: string, fn: (span: Span) => T, options: ToolOptions = {}): T {
  const start = () => {
    const span = startStep(`${K.GEN_AI_OPERATION.executeTool} ${name}`, {
      [K.ATTR_GEN_AI_OPERATION_NAME]: K.GEN_AI_OPERATION.executeTool,
      [K.ATTR_GEN_AI_TOOL_NAME]: name,
      [K.ATTR_GEN_AI_TOOL_TYPE]: options.type ?? 'function',
      [K.ATTR_SIGHTLINE_SPAN_CLASS]: 'tool',
    });
    if (options.callId) span.setAttribute(K.ATTR_GEN_AI_TOOL_CALL_ID, options.callId);
    if (options.description) span.setAttribute(K.ATTR_GEN_AI_TOOL_DESCRIPTION, options.description);
    setContent(span, K.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, options.arguments);
    return span;
  };
  return guarded('traceTool', start, fn, (span, value) => setContent(span, K.ATTR_GEN_AI_TOOL_CALL_RESULT, value));
}

/** The handle {@link traceRetrieval} passes to your function. */
export interface RetrievalHandle {
  readonly span: Span;
  /** Records the retrieved documents explicitly (otherwise read from the returned array). */
  setDocuments(docs: RetrievedDocument[]): void;
}

const ID_KEYS = ['id', '_id', 'documentId', 'document_id', 'docId', 'uuid'] as const;
const SCORE_KEYS = ['score', '_score', 'similarity', 'relevance', 'relevance_score', 'distance'] as const;

/** Reads `{ id, score }` from the common shapes vector stores return (`[doc, score]` pairs too). */
export function documentsOf(value: unknown): RetrievedDocument[] | undefined {
  const list = Array.isArray(value) ? value : (value as { documents?: unknown; matches?: unknown; results?: unknown } | null)?.documents ?? (value as { matches?: unknown } | null)?.matches ?? (value as { results?: unknown } | null)?.results;
  if (!Array.isArray(list)) return undefined;
  return list.map((item: unknown, i): RetrievedDocument => {
    let doc = item as Record<string, unknown> | null;
    let score: number | undefined;
    if (Array.isArray(item) && item.length === 2 && typeof item[1] === 'number') {
      doc = item[0] as Record<string, unknown>;
      score = item[1];
    }
    const meta = (doc?.metadata ?? {}) as Record<string, unknown>;
    const idKey = ID_KEYS.find((k) => doc?.[k] !== undefined || meta[k] !== undefined);
    const id = idKey ? String(doc?.[idKey] ?? meta[idKey]) : typeof item === 'string' ? item : String(i);
    const scoreKey = SCORE_KEYS.find((k) => typeof doc?.[k] === 'number');
    if (score === undefined && scoreKey) score = doc?.[scoreKey] as number;
    return score === undefined ? { id } : { id, score };
  });
}

function recordDocuments(span: Span, docs: RetrievedDocument[]): void {
  span.setAttribute(K.ATTR_SIGHTLINE_RETRIEVAL_COUNT, docs.length);
  const { value, truncated } = prepareContent(safeStringify(docs), K.ATTR_SIGHTLINE_RETRIEVAL_DOCUMENTS, { ...settings.content, mask: undefined });
  span.setAttribute(K.ATTR_SIGHTLINE_RETRIEVAL_DOCUMENTS, value);
  if (truncated) span.setAttribute(K.ATTR_SIGHTLINE_TRUNCATED, K.ATTR_SIGHTLINE_RETRIEVAL_DOCUMENTS);
}

/**
 * Traces a retrieval step: the query, and the ids, scores and count of what came back (read from
 * the returned array of documents, or set with `handle.setDocuments`).
 *
 * @example
 * ```ts
 * const docs = await traceRetrieval(question, () => vectorStore.similaritySearchWithScore(question, 5));
 * ```
 */
export function traceRetrieval<T>(query: string, fn: (handle: RetrievalHandle) => T, options: { dataSourceId?: string } = {}): T {
  let explicit = false;
  const start = () => {
    const span = startStep(K.GEN_AI_OPERATION.retrieval, {
      [K.ATTR_GEN_AI_OPERATION_NAME]: K.GEN_AI_OPERATION.retrieval,
      [K.ATTR_SIGHTLINE_SPAN_CLASS]: 'retrieval',
    });
    if (options.dataSourceId) span.setAttribute(K.ATTR_GEN_AI_DATA_SOURCE_ID, options.dataSourceId);
    setContent(span, K.ATTR_SIGHTLINE_RETRIEVAL_QUERY, query);
    return span;
  };
  return guarded(
    'traceRetrieval',
    start,
    (span) =>
      fn({
        span,
        setDocuments(docs) {
          explicit = true;
          try {
            recordDocuments(span, docs);
          } catch (err) {
            reportInternal('setDocuments', err);
          }
        },
      }),
    (span, value) => {
      if (explicit) return;
      const docs = documentsOf(value);
      if (docs) recordDocuments(span, docs);
    },
  );
}

/**
 * Opens a parent span for an agent run, so its LLM calls, tools and retrievals share one trace.
 *
 * @example
 * ```ts
 * await traceAgent('researcher', async () => { await plan(); await act(); });
 * ```
 */
export function traceAgent<T>(name: string, fn: (span: Span) => T): T {
  const start = () =>
    startStep(`${K.GEN_AI_OPERATION.invokeAgent} ${name}`, {
      [K.ATTR_GEN_AI_OPERATION_NAME]: K.GEN_AI_OPERATION.invokeAgent,
      [K.ATTR_GEN_AI_AGENT_NAME]: name,
      [K.ATTR_SIGHTLINE_SPAN_CLASS]: 'agent',
    });
  return guarded('traceAgent', start, fn);
}

/**
 * Opens a parent span for one unit of work (a request, a job), grouping everything inside it.
 *
 * @example
 * ```ts
 * app.post('/answer', (req, res) => traceWorkflow('answer-question', () => answer(req.body)));
 * ```
 */
export function traceWorkflow<T>(name: string, fn: (span: Span) => T): T {
  const start = () =>
    startStep(name, {
      [K.ATTR_GEN_AI_OPERATION_NAME]: K.GEN_AI_OPERATION.workflow,
      [K.ATTR_SIGHTLINE_SPAN_CLASS]: 'workflow',
    });
  return guarded('traceWorkflow', start, fn);
}
