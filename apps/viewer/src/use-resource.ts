import { useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** When the current data arrived (ms since the epoch). */
  updatedAt: number | undefined;
  reload: () => void;
}

/**
 * Loads data for a component: aborts the previous request when the inputs change or the component
 * unmounts, keeps the last good data while refreshing (no flicker), and with `refreshMs` polls while
 * the tab is visible.
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  options: { refreshMs?: number; enabled?: boolean } = {},
): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const [updatedAt, setUpdatedAt] = useState<number | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const enabled = options.enabled ?? true;

  useEffect(() => {
    if (!enabled) return;
    const ctrl = new AbortController();
    setLoading(true);
    loadRef.current(ctrl.signal).then(
      (d) => {
        if (ctrl.signal.aborted) return;
        setData(d);
        setUpdatedAt(Date.now());
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [...deps, tick, enabled]);

  useEffect(() => {
    if (!options.refreshMs || !enabled) return;
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, options.refreshMs);
    return () => window.clearInterval(id);
  }, [options.refreshMs, enabled]);

  return { data, error, loading, updatedAt, reload: () => setTick((t) => t + 1) };
}
