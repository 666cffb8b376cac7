import { reportInternal } from './diagnostics.ts';
import type { LlmCall } from './llm-call.ts';
import { settings } from './settings.ts';

/** The parts of a Stainless `APIPromise` (openai, @anthropic-ai/sdk) the SDK hooks into. */
interface ApiPromiseLike {
  responsePromise: Promise<unknown>;
  parseResponse: (client: unknown, props: unknown) => unknown;
  then: Promise<unknown>['then'];
}

type ApiPromiseClass = new (client: unknown, responsePromise: Promise<unknown>, parse: ApiPromiseLike['parseResponse']) => ApiPromiseLike;

function isApiPromise(value: unknown): value is ApiPromiseLike {
  const v = value as Partial<ApiPromiseLike> | null;
  return !!v && typeof v.then === 'function' && typeof v.parseResponse === 'function' && v.responsePromise instanceof Promise;
}

/**
 * Calls the provider and observes the outcome without changing it: the same promise object (or one
 * of the same class when a budget check must run first), the same value, the same error.
 */
export function observeApiCall(
  client: unknown,
  call: LlmCall,
  invoke: () => unknown,
  onValue: (value: unknown) => void,
): unknown {
  const gate = settings.budget?.gate(call);
  const result = gate ? gatedApiPromise(client, invoke, gate) : invokeObserved(call, invoke);
  try {
    hookResult(call, result, onValue);
  } catch (err) {
    reportInternal('observing a provider call', err);
  }
  return result;
}

function invokeObserved(call: LlmCall, invoke: () => unknown): unknown {
  try {
    return invoke();
  } catch (err) {
    call.fail(err);
    throw err;
  }
}

function hookResult(call: LlmCall, result: unknown, onValue: (value: unknown) => void): void {
  const safeOnValue = (value: unknown): void => {
    try {
      onValue(value);
    } catch (err) {
      reportInternal('reading a provider response', err);
      call.finish(false);
    }
  };
  if (isApiPromise(result)) {
    // Hook the parse step rather than `.then()`: calling `.then()` would parse the body even when
    // the app only wants `.asResponse()` and reads the body itself.
    const parse = result.parseResponse;
    result.parseResponse = (c: unknown, props: unknown) =>
      Promise.resolve(parse.call(result, c, props)).then(
        (value) => (safeOnValue(value), value),
        (err: unknown) => {
          call.fail(err);
          throw err;
        },
      );
    result.responsePromise.then(undefined, (err: unknown) => call.fail(err));
    call.watch(result);
    return;
  }
  if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(safeOnValue, (err: unknown) => call.fail(err));
    return;
  }
  safeOnValue(result);
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
  s.iterator = function observedIterator(this: unknown): AsyncIterator<T> {
    return observeIterator(factory.call(this), call, observer);
  };
}

function observeIterator<T>(it: AsyncIterator<T>, call: LlmCall, observer: StreamObserver<T>): AsyncIterator<T> {
  const end = (): void => {
    if (call.finished) return;
    try {
      observer.onEnd();
    } catch (err) {
      reportInternal('assembling a stream', err);
      call.finish();
    }
  };
  // One pair of callbacks per stream, not per chunk: a 2 KB answer arrives in ~30-60 chunks.
  const onResult = (r: IteratorResult<T>): IteratorResult<T> => {
    if (r.done) end();
    else if (!call.finished) {
      try {
        observer.onChunk(r.value);
      } catch (err) {
        reportInternal('reading a stream chunk', err);
      }
    }
    return r;
  };
  const onError = (err: unknown): never => {
    call.fail(err);
    throw err;
  };
  const wrapped: AsyncIterator<T> & AsyncIterable<T> = {
    next: (...args: [] | [unknown]) => it.next(...args).then(onResult, onError),
    return: (value?: unknown) => {
      if (!call.finished) {
        call.diagnose('stream_closed_early');
        end();
      }
      return it.return ? it.return(value) : Promise.resolve({ done: true, value: value as T });
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  if (it.throw) {
    const t = it.throw.bind(it);
    wrapped.throw = (e?: unknown) => t(e);
  }
  return wrapped;
}
