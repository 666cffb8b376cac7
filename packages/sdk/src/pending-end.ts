import { context, trace } from '@opentelemetry/api';
import {
  ATTR_SIGHTLINE_ENDPOINT,
  ATTR_SIGHTLINE_VALIDATION_ERROR,
  ATTR_SIGHTLINE_VALIDATION_STATUS,
  VALIDATION_STATUS,
} from '@sightline/contracts/semconv';
import { wallClockMs } from './clock.ts';
import { reportInternal } from './diagnostics.ts';
import { endpointUnder } from './endpoint.ts';
import type { LlmCall } from './llm-call.ts';
import { currentScope } from './scope.ts';
import { sdkTracer, settings } from './settings.ts';

// Finished LLM calls wait up to `validationWindowMs` for recordValidation() before their spans end,
// with their true end time, so validation lands on the LLM span itself. Attributes and content are
// written at that moment too (`seal`), off the app's call path. One timer serves them all, and it
// works in small slices so thousands of spans ending together never stall the event loop.
// A Set keeps end order (insertion order), so the sweep stops at the first call not yet due.
const pending = new Set<LlmCall>();
let sweeper: NodeJS.Timeout | undefined;
let sweeping = false;
// Calls sealed per event-loop turn: a seal is ~10-25 µs (content JSON, span, processor), so a slice
// holds the loop ~0.2-0.4 ms, as long as the exporter's encode slices.
const SLICE = 16;

/** Sweep period when spans end "on the next turn": batches many spans per timer tick. */
const NEXT_TURN_SWEEP_MS = 10;

/**
 * Finished calls waiting at most. Each holds its request and response until sealed, and the sweep
 * needs the event loop to turn: an app awaiting calls whose responses never wait on I/O (a stub
 * `fetch` in its tests, a cache in front of the client) never lets it, and would keep every call
 * it ever made. Past the cap the oldest waiting call is sealed on the spot, in the call that
 * finishes; its validation, if any comes later, lands on a child span as for any late one.
 */
export const MAX_PENDING_CALLS = 2048;

export function deferEnd(call: LlmCall): void {
  const window = settings.validationWindowMs;
  call.dueMs = call.endMs + window;
  pending.add(call);
  if (pending.size > MAX_PENDING_CALLS) endNow(pending.values().next().value as LlmCall);
  if (!sweeper) {
    idleTicks = 0;
    // One shared timer rather than a macrotask per call: at window 0 validation has run in the
    // awaited call's continuation long before the next tick, and each tick ends a whole batch.
    sweeper = setInterval(sweep, window === 0 ? NEXT_TURN_SWEEP_MS : Math.max(20, Math.min(100, window / 2)));
    sweeper.unref();
  }
}

/** Spans still waiting to be sealed and ended (the exit hook flushes when there are any). */
export function pendingCount(): number {
  return pending.size;
}

// The timer stops after this many idle ticks rather than at the first one: under steady traffic a
// timer re-armed for nearly every call costs more than the idle ticks (it never holds the process).
const IDLE_TICKS_BEFORE_STOP = 20;
let idleTicks = 0;

function sweep(): void {
  if (sweeping) return;
  if (pending.size === 0) {
    if (++idleTicks >= IDLE_TICKS_BEFORE_STOP) {
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
    }
    return;
  }
  idleTicks = 0;
  sweeping = true;
  const now = performance.now() + 0.001;
  const due: LlmCall[] = [];
  for (const call of pending) {
    if (call.dueMs > now) break;
    due.push(call);
  }
  sweepSlice(due, 0);
}

function sweepSlice(due: LlmCall[], from: number): void {
  const to = Math.min(from + SLICE, due.length);
  for (let i = from; i < to; i++) endNow(due[i] as LlmCall);
  if (to < due.length) setImmediate(sweepSlice, due, to);
  else sweeping = false;
}

function endNow(call: LlmCall): void {
  if (!pending.delete(call)) return;
  try {
    call.seal();
  } catch (err) {
    reportInternal('sealing a span', err);
  }
  const response = call.rememberedResponse;
  if (response) {
    call.rememberedResponse = undefined;
    pendingResponses.delete(response);
    // Late validation (after the span ended) still finds its call by response object.
    callByResponse.set(response, call);
  }
}

/** Ends every span still waiting for validation; flush and shutdown call this first. */
export function endAllPending(): void {
  for (const call of [...pending]) endNow(call);
  if (sweeper) clearInterval(sweeper);
  sweeper = undefined;
  idleTicks = 0;
}

const lastCallByParent = new WeakMap<object, LlmCall>();
let lastRootCall: LlmCall | undefined;
const callByResponse = new WeakMap<object, LlmCall>();
// Responses of calls still pending: a plain map (entries leave when the span ends), cheaper on the
// call path than a WeakMap entry per call.
const pendingResponses = new Map<object, LlmCall>();

export function rememberCall(call: LlmCall, response?: object): void {
  if (typeof call.parentKey === 'object') lastCallByParent.set(call.parentKey, call);
  else lastRootCall = call;
  if (response) {
    call.rememberedResponse = response;
    pendingResponses.set(response, call);
  }
}

/** What {@link recordValidation} accepts: a zod `safeParse` result, a boolean, or `{ success, error }`. */
export type ValidationResult = boolean | { success: boolean; error?: unknown } | { valid: boolean; error?: unknown };

/**
 * Marks structured-output validation as passed or failed on the LLM span it belongs to: the one
 * whose response you pass, else the latest LLM call in the current trace scope.
 *
 * @example
 * ```ts
 * const res = await openai.chat.completions.create({ model, messages, response_format });
 * const parsed = Answer.safeParse(JSON.parse(res.choices[0]?.message.content ?? 'null'));
 * recordValidation(parsed, res);
 * ```
 */
export function recordValidation(result: ValidationResult, response?: object): void {
  try {
    const passed = typeof result === 'boolean' ? result : 'success' in result ? result.success : result.valid;
    const error = typeof result === 'object' && !passed ? describeError(result.error) : undefined;
    const call = findCall(response);
    if (!call) {
      reportInternal('recordValidation', new Error('no LLM call found in this context to mark'), 10_000);
      return;
    }
    const status = passed ? VALIDATION_STATUS.passed : VALIDATION_STATUS.failed;
    if (pending.has(call)) {
      call.set(ATTR_SIGHTLINE_VALIDATION_STATUS, status);
      if (error) call.set(ATTR_SIGHTLINE_VALIDATION_ERROR, error);
      endNow(call);
      return;
    }
    // The LLM span already ended (validation came late): record it on a child so it still counts.
    const parentCtx = trace.setSpan(context.active(), call.span);
    const endpoint = endpointUnder(call.span, parentCtx);
    const child = sdkTracer().startSpan('validation', { startTime: wallClockMs(), ...(endpoint === undefined ? {} : { attributes: { [ATTR_SIGHTLINE_ENDPOINT]: endpoint } }) }, parentCtx);
    child.setAttribute(ATTR_SIGHTLINE_VALIDATION_STATUS, status);
    if (error) child.setAttribute(ATTR_SIGHTLINE_VALIDATION_ERROR, error);
    child.end(wallClockMs());
  } catch (err) {
    reportInternal('recordValidation', err);
  }
}

function findCall(response?: object): LlmCall | undefined {
  if (response && typeof response === 'object') {
    const byResponse = pendingResponses.get(response) ?? callByResponse.get(response);
    if (byResponse) return byResponse;
  }
  const ctx = context.active();
  const parent = trace.getSpan(ctx) ?? currentScope(ctx);
  return (parent && lastCallByParent.get(parent)) || lastRootCall;
}

function describeError(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  const issues = (error as { issues?: unknown }).issues;
  if (Array.isArray(issues)) {
    return issues
      .slice(0, 10)
      .map((i: { path?: unknown[]; message?: string }) => `${(i.path ?? []).join('.') || '(root)'}: ${i.message ?? ''}`)
      .join('; ')
      .slice(0, 2048);
  }
  return (error instanceof Error ? error.message : String(error)).slice(0, 2048);
}
