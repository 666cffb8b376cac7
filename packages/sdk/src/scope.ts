import { context, createContextKey, type Context } from '@opentelemetry/api';
import { versionText } from './config.ts';
import { reportInternal } from './diagnostics.ts';

/** Who and what a request is about; recorded on every LLM span inside {@link withContext}. */
export interface CallContext {
  userId?: string;
  sessionId?: string;
  /** Free-form labels, recorded as `sightline.metadata.<key>` (objects as JSON). */
  metadata?: Record<string, unknown>;
  /** The LLM configuration version for this request, over `init({ configVersion })`. */
  configVersion?: string | number;
}

/** The prompt template behind the calls inside {@link withPrompt}. */
export interface PromptRef {
  name: string;
  version?: string | number;
  variables?: Record<string, unknown>;
}

export interface Scope {
  userId?: string;
  sessionId?: string;
  metadata?: Record<string, unknown>;
  prompt?: PromptRef;
  configVersion?: string;
}

const SCOPE_KEY = createContextKey('sightline.scope');

/** The merged scope of the active context (inner values win). */
export function currentScope(ctx: Context = context.active()): Scope | undefined {
  return ctx.getValue(SCOPE_KEY) as Scope | undefined;
}

function runInScope<T>(patch: Scope, fn: () => T): T {
  let ctx: Context;
  try {
    const parent = currentScope();
    const merged: Scope = { ...parent, ...patch };
    if (parent?.metadata && patch.metadata) merged.metadata = { ...parent.metadata, ...patch.metadata };
    ctx = context.active().setValue(SCOPE_KEY, merged);
  } catch (err) {
    reportInternal('withContext', err);
    return fn();
  }
  return context.with(ctx, fn);
}

/**
 * Runs `fn` with a user, session, metadata and config version that every LLM span inside records,
 * across awaits.
 *
 * @example
 * ```ts
 * app.post('/chat', (req, res) =>
 *   withContext({ userId: req.user.id, sessionId: req.body.conversationId }, () => answer(req.body)),
 * );
 * ```
 */
export function withContext<T>(ctx: CallContext, fn: () => T): T {
  const patch: Scope = {};
  if (ctx?.userId !== undefined) patch.userId = String(ctx.userId);
  if (ctx?.sessionId !== undefined) patch.sessionId = String(ctx.sessionId);
  if (ctx?.metadata !== undefined && typeof ctx.metadata === 'object' && ctx.metadata !== null) {
    patch.metadata = ctx.metadata;
  }
  const configVersion = versionText(ctx?.configVersion);
  if (configVersion !== undefined) patch.configVersion = configVersion;
  return runInScope(patch, fn);
}

/**
 * Runs `fn` with a prompt name, version and variables recorded on every LLM span inside, so spend,
 * latency and validation failures can be compared per prompt version.
 *
 * @example
 * ```ts
 * const reply = await withPrompt({ name: 'support-answer', version: 7, variables: { tone } }, () =>
 *   openai.chat.completions.create({ model: 'gpt-4o-mini', messages }),
 * );
 * ```
 */
export function withPrompt<T>(prompt: PromptRef, fn: () => T): T {
  if (!prompt || typeof prompt.name !== 'string') {
    reportInternal('withPrompt', new TypeError('withPrompt needs { name: string }'));
    return fn();
  }
  return runInScope({ prompt }, fn);
}

// Attempt numbering: the same logical call (same parent, same model and leading messages) made
// again is a retry. Bounded so a long-lived process cannot grow it without limit: two generations
// of at most half the bound each; when the newer fills, the older is dropped. (Evicting the oldest
// key of one Map instead costs ~5 µs a call once full: V8 iterates over every deleted entry it
// keeps until it rehashes.)
const MAX_TRACKED_CALLS = 10_000;
let attempts = new Map<string, number>();
let olderAttempts = new Map<string, number>();

/** Returns the 1-based attempt number of the logical call `key` under `parentId`. */
export function nextAttempt(parentId: string, key: string): number {
  const slot = `${parentId}:${key}`;
  const n = (attempts.get(slot) ?? olderAttempts.get(slot) ?? 0) + 1;
  attempts.set(slot, n);
  if (attempts.size >= MAX_TRACKED_CALLS / 2) {
    olderAttempts = attempts;
    attempts = new Map();
  }
  return n;
}

/** Logical calls whose attempts are counted right now (at most MAX_TRACKED_CALLS). */
export function trackedCallCount(): number {
  return attempts.size + olderAttempts.size;
}

/** FNV-1a over a string, as 8 hex chars: a cheap stable key, not a security hash. */
export function hashKey(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
