import { reportInternal } from './diagnostics.ts';
import type { LlmCall } from './llm-call.ts';
import { settings } from './settings.ts';

/** The parts of a Stainless `APIPromise` (openai, @anthropic-ai/sdk) the SDK hooks into. */
interface ApiPromiseLike {
  responsePromise: Promise<unknown>;
  parseResponse: (client: unknown, props: unknown) => unknown;
  /** Set once anything asked for the parsed body (`then`, `withResponse()`). */
  parsedPromise?: Promise<unknown>;
  asResponse?: () => Promise<unknown>;
  then: Promise<unknown>['then'];
}

type ApiPromiseClass = new (client: unknown, responsePromise: Promise<unknown>, parse: ApiPromiseLike['parseResponse']) => ApiPromiseLike;

function isApiPromise(value: unknown): value is ApiPromiseLike {
  const v = value as Partial<ApiPromiseLike> | null;
  return !!v && typeof v.then === 'function' && typeof v.parseResponse === 'function' && v.responsePromise instanceof Promise;
}

type Invoke = (this: unknown, ...args: unknown[]) => unknown;

/** Reads a provider result into `call`; runs inside the SDK's guard. A plain function, not a closure per call. */
export type OnValue = (call: LlmCall, value: unknown) => void;

/**
 * Calls the provider (`invoke` with `thisArg` and `args`) and observes the outcome without changing
 * it: the same promise object (or one of the same class when a budget check must run first), the
 * same value, the same error.
 */
export function observeApiCall(client: unknown, call: LlmCall, invoke: Invoke, thisArg: unknown, args: unknown[], onValue: OnValue): unknown {
  const gate = settings.budget?.gate(call);
  const result = gate ? gatedApiPromise(client, () => invoke.apply(thisArg, args), gate) : invokeObserved(call, invoke, thisArg, args);
  try {
    hookResult(call, result, onValue);
  } catch (err) {
    reportInternal('observing a provider call', err);
  }
  return result;
}

function invokeObserved(call: LlmCall, invoke: Invoke, thisArg: unknown, args: unknown[]): unknown {
  try {
    return invoke.apply(thisArg, args);
  } catch (err) {
    call.fail(err);
    throw err;
  }
}

function deliver(call: LlmCall, value: unknown, onValue: OnValue): void {
  try {
    onValue(call, value);
  } catch (err) {
    reportInternal('reading a provider response', err);
    call.finish(false);
  }
}

function hookResult(call: LlmCall, result: unknown, onValue: OnValue): void {
  if (isApiPromise(result)) {
    // Hook the parse step rather than `.then()`: calling `.then()` would parse the body even when
    // the app only wants `.asResponse()` and reads the body itself. The parsed promise goes back
    // unchanged; the SDK reads it from a side branch, so the app's await gains no promise steps.
    const parse = result.parseResponse;
    // Anonymous on purpose: a named function expression made per call gets a `__name` call
    // (Object.defineProperty) under esbuild's keepNames (tsx), ~1 µs each in profiles.
    result.parseResponse = function (c: unknown, props: unknown): unknown {
      const parsed = parse.call(result, c, props) as unknown;
      try {
        if (parsed && typeof (parsed as PromiseLike<unknown>).then === 'function') {
          (parsed as Promise<unknown>).then(
            (value) => deliver(call, value, onValue),
            (err: unknown) => call.fail(err),
          );
        } else deliver(call, parsed, onValue);
      } catch (err) {
        // A thenable whose then() throws: the app gets it unchanged and sees that for itself.
        reportInternal('observing a parsed response', err);
      }
      return parsed;
    };
    result.responsePromise.then(undefined, (err: unknown) => call.fail(err));
    const asResponse = result.asResponse;
    if (typeof asResponse === 'function') {
      // `.asResponse()` hands the app the raw Response: the body is the app's to read and nothing
      // parses it, so the span ends once the response arrives (not whenever the promise happens to
      // be collected). `.withResponse()` calls it too, but parses first.
      result.asResponse = function (this: unknown): Promise<unknown> {
        const raw = asResponse.call(this);
        raw.then(() => setImmediate(endReadRaw, call, result), noop);
        return raw;
      };
    }
    call.watch(result);
    return;
  }
  if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(
      (value) => deliver(call, value, onValue),
      (err: unknown) => call.fail(err),
    );
    return;
  }
  deliver(call, result, onValue);
}

const noop = (): void => undefined;

/** Ends a call whose raw response the app took (`.asResponse()`) without anything parsing it. */
function endReadRaw(call: LlmCall, result: ApiPromiseLike): void {
  if (call.finished || result.parsedPromise) return;
  call.diagnose('response_read_raw');
  call.finish(false);
}

const promiseClassByClient = new WeakMap<object, ApiPromiseClass | null>();

/**
 * Returns a promise of the client's own APIPromise class that sends the request only once `gate`
 * resolves, so `.withResponse()`, `.asResponse()` and internal `_thenUnwrap` chains keep working.
 */
function gatedApiPromise(client: unknown, invoke: () => unknown, gate: Promise<void>): unknown {
  const Cls = apiPromiseClass(client);
  let real: ApiPromiseLike | undefined;
  const responsePromise = gate.then(() => {
    const r = invoke();
    if (!isApiPromise(r)) return Promise.reject(new TypeError('provider call did not return an APIPromise'));
    real = r;
    return r.responsePromise;
  });
  if (!Cls) return responsePromise.then(() => real);
  return new Cls(client, responsePromise, (c, props) => (real as ApiPromiseLike).parseResponse.call(real, c, props));
}

function apiPromiseClass(client: unknown): ApiPromiseClass | null {
  if (!client || typeof client !== 'object') return null;
  const cached = promiseClassByClient.get(client);
  if (cached !== undefined) return cached;
  let Cls: ApiPromiseClass | null = null;
  try {
    // `request()` awaits its options before any I/O: a never-settling options promise yields an
    // idle APIPromise whose only use is telling us the class.
    const request = (client as { request?: (o: Promise<never>) => unknown }).request;
    const probe = typeof request === 'function' ? request.call(client, new Promise<never>(() => {})) : undefined;
    if (isApiPromise(probe)) Cls = probe.constructor as ApiPromiseClass;
  } catch (err) {
    reportInternal('finding the client APIPromise class', err);
  }
  promiseClassByClient.set(client, Cls);
  return Cls;
}

/** Stream callbacks; each runs inside the SDK's guard, never in the app's way. */
export interface StreamObserver<T> {
  onChunk(chunk: T): void;
  onEnd(): void;
  /** The stream failed after the chunks seen so far (the call is then failed with the error). */
  onError?(err: unknown): void;
}

/**
 * Observes a provider stream in place: the stream object, its class and every chunk object stay
 * the app's own; only its iterator factory is wrapped.
 */
export function observeStream<T>(stream: unknown, call: LlmCall, observer: StreamObserver<T>): void {
  const s = stream as { iterator?: () => AsyncIterator<T> };
  const factory = s?.iterator;
  if (typeof factory !== 'function') {
    call.diagnose('stream_shape_unknown');
    call.finish(false);
    return;
  }
  call.watch(stream as object);
  s.iterator = function (this: unknown): AsyncIterator<T> {
    return observeIterator(factory.call(this), call, observer);
  };
}

function observeIterator<T>(it: AsyncIterator<T>, call: LlmCall, observer: StreamObserver<T>): AsyncIterator<T> {
  return new ObservedIterator(it, call, observer);
}

/**
 * The app's iterator, observed: each `next()` hands back the provider's own promise and the SDK
 * reads the chunk from a side branch that runs before the app's await resumes. One promise
 * reaction per chunk and no closure per chunk: a 2 KB answer arrives in ~30-60 chunks.
 */
class ObservedIterator<T> implements AsyncIterator<T>, AsyncIterable<T> {
  private readonly onResult: (r: IteratorResult<T>) => void;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly it: AsyncIterator<T>,
    private readonly call: LlmCall,
    private readonly observer: StreamObserver<T>,
  ) {
    // The chunk is handled right here (no further call per chunk before the observer's).
    this.onResult = (r) => {
      if (call.finished) return;
      if (r.done) return this.end();
      try {
        observer.onChunk(r.value);
      } catch (err) {
        reportInternal('reading a stream chunk', err);
      }
    };
    this.onError = (err) => {
      try {
        observer.onError?.(err);
      } catch (observeErr) {
        reportInternal('reading a failed stream', observeErr);
      }
      call.fail(err);
    };
  }

  /** Delegated as is (provider streams are async generators, which have it). */
  throw(e?: unknown): Promise<IteratorResult<T>> {
    return this.it.throw ? this.it.throw(e) : Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }

  next(value?: unknown): Promise<IteratorResult<T>> {
    // `next()` and `next(undefined)` send the same value; no rest array per chunk.
    const p = value === undefined ? this.it.next() : this.it.next(value);
    if (!this.call.finished) p.then(this.onResult, this.onError);
    return p;
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    if (!this.call.finished) {
      this.call.diagnose('stream_closed_early');
      this.end();
    }
    return this.it.return ? this.it.return(value) : Promise.resolve({ done: true, value: value as T });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(): void {
    if (this.call.finished) return;
    try {
      this.observer.onEnd();
    } catch (err) {
      reportInternal('assembling a stream', err);
      this.call.finish();
    }
  }
}
