import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { ErrorBox, Loading } from './components/ui.tsx';

/**
 * Code-splits a page: the explorer ships in the first chunk, every other page downloads when first
 * visited (the 60 KB first-page budget). A failed chunk load shows an error with a retry.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let cached: ComponentType<P> | undefined;
  return function LazyPage(props: P) {
    const [Comp, setComp] = useState<ComponentType<P> | undefined>(() => cached);
    const [error, setError] = useState<Error | undefined>(undefined);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (cached) return;
      let live = true;
      load().then(
        (c) => {
          cached = c;
          if (live) setComp(() => c);
        },
        (e: unknown) => {
          if (live) setError(e instanceof Error ? e : new Error(String(e)));
        },
      );
      return () => {
        live = false;
      };
    }, [attempt]);
    if (error) return <ErrorBox error={error} onRetry={() => (setError(undefined), setAttempt(attempt + 1))} />;
    if (!Comp) return <Loading />;
    return <Comp {...props} />;
  };
}
