import { reportInternal } from './diagnostics.ts';
import type { LlmCall } from './llm-call.ts';
import { currentScope } from './scope.ts';

/** The `budget` option of `init()`: check the server's budgets before each wrapped call. */
export interface BudgetOptions {
  /** `'warn'` logs and adds a span event; `'throw'` rejects with {@link BudgetExceededError} before calling the provider. */
  mode: 'warn' | 'throw';
  /** How long one status answer is reused per user. Default 5000 ms. */
  cacheMs?: number;
  /** Let calls through when the status cannot be read (server down, slow, bad answer). Default true. */
  failOpen?: boolean;
  /** How long to wait for the status before treating it as unavailable. Default 1000 ms. */
  timeoutMs?: number;
}

/** One budget as the server reports it. */
export interface BudgetState {
  id: string;
  scope: 'project' | 'user';
  limitUsd: number;
  spentUsd: number;
  window: string;
}

/**
 * Thrown (as a rejected provider call) in `budget: { mode: 'throw' }` when a budget is exhausted,
 * or when the status is unavailable and `failOpen` is false. The provider was not called.
 *
 * @example
 * ```ts
 * try { await openai.chat.completions.create(req); }
 * catch (err) { if (err instanceof BudgetExceededError) return res.status(402).send(err.message); throw err; }
 * ```
 */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
  readonly code = 'BUDGET_EXCEEDED' as const;
  constructor(
    /** The exhausted budgets (empty when the status was unavailable and failOpen is false). */
    readonly budgets: BudgetState[],
    readonly userId: string | undefined,
    message?: string,
  ) {
    super(message ?? `LLM budget exhausted: ${budgets.filter((b) => b.spentUsd >= b.limitUsd).map((b) => `${b.scope} ${b.id} $${b.spentUsd.toFixed(2)} of $${b.limitUsd.toFixed(2)} per ${b.window}`).join(', ') || 'exhausted'}`);
  }
}

interface Status {
  exhausted: boolean;
  budgets: BudgetState[];
}

function parseStatus(body: unknown): Status | null {
  const b = body as { exhausted?: unknown; budgets?: unknown } | null;
  if (!b || typeof b.exhausted !== 'boolean' || !Array.isArray(b.budgets)) return null;
  return { exhausted: b.exhausted, budgets: b.budgets as BudgetState[] };
}

/** Users whose budget status is cached at once; past it the cache starts afresh (entries live seconds). */
export const MAX_CACHED_USERS = 10_000;

/** Client side of the budget guard: a per-user cached status, fail-open by default. */
export class BudgetGuard {
  private readonly cache = new Map<string, { at: number; status: Status | null }>();
  private readonly inflight = new Map<string, Promise<Status | null>>();
  private readonly cacheMs: number;
  private readonly failOpen: boolean;
  private readonly timeoutMs: number;

  constructor(
    private readonly options: BudgetOptions,
    private readonly statusUrl: string,
    private readonly headers: Record<string, string>,
    private readonly maxCachedUsers = MAX_CACHED_USERS,
  ) {
    this.cacheMs = options.cacheMs ?? 5000;
    this.failOpen = options.failOpen ?? true;
    this.timeoutMs = options.timeoutMs ?? 1000;
  }

  /** Undefined when the call may go ahead now; else a promise that settles when it may (or rejects). */
  gate(call: LlmCall): Promise<void> | undefined {
    try {
      const userId = currentScope()?.userId;
      const key = userId ?? '';
      const cached = this.cache.get(key);
      const fresh = cached && Date.now() - cached.at < this.cacheMs;
      if (this.options.mode === 'warn') {
        if (fresh) this.warnIfExhausted(call, cached.status);
        else void this.status(key, userId).then((s) => this.warnIfExhausted(call, s));
        return undefined;
      }
      if (fresh) return this.decide(cached.status, userId, call);
      return this.status(key, userId).then((s) => this.decide(s, userId, call));
    } catch (err) {
      reportInternal('budget check', err);
      return undefined;
    }
  }

  private decide(status: Status | null, userId: string | undefined, call: LlmCall): Promise<void> | undefined {
    if (status === null && !this.failOpen) {
      return Promise.reject(new BudgetExceededError([], userId, 'LLM budget status unavailable and budget.failOpen is false'));
    }
    if (!status?.exhausted) return undefined;
    call.event('sightline.budget.exceeded', { 'sightline.budget.action': 'blocked' });
    return Promise.reject(new BudgetExceededError(exhaustedOf(status), userId));
  }

  private warnIfExhausted(call: LlmCall, status: Status | null): void {
    if (!status?.exhausted) return;
    const budgets = exhaustedOf(status);
    reportInternal('budget', new Error(`LLM budget exhausted (${budgets.map((b) => `${b.scope}:${b.id}`).join(', ')}); call allowed in warn mode`), 60_000);
    if (call.isRecording()) {
      call.event('sightline.budget.exceeded', { 'sightline.budget.action': 'warned', 'sightline.budget.ids': budgets.map((b) => b.id) });
    }
  }

  private status(key: string, userId: string | undefined): Promise<Status | null> {
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const url = new URL(this.statusUrl);
    if (userId !== undefined) url.searchParams.set('userId', userId);
    const p = fetch(url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) })
      .then(async (res) => {
        if (!res.ok) throw new Error(`budget status answered HTTP ${res.status}`);
        const status = parseStatus(await res.json());
        if (!status) throw new Error('budget status answer has an unexpected shape');
        return status;
      })
      .catch((err: unknown) => {
        reportInternal(`budget status unavailable (${this.failOpen ? 'failing open' : 'failing closed'})`, err, 30_000);
        return null;
      })
      .then((status) => {
        // A service sees ever new users: the cache must not grow with them.
        if (this.cache.size >= this.maxCachedUsers && !this.cache.has(key)) this.cache.clear();
        this.cache.set(key, { at: Date.now(), status });
        this.inflight.delete(key);
        return status;
      });
    this.inflight.set(key, p);
    return p;
  }
}

function exhaustedOf(status: Status): BudgetState[] {
  const over = status.budgets.filter((b) => typeof b.spentUsd === 'number' && b.spentUsd >= b.limitUsd);
  return over.length ? over : status.budgets;
}

