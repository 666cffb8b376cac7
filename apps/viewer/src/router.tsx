import { computed, signal } from '@preact/signals';
import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';

/**
 * A history-API router: the URL is the state (filters, the selected span, the time range), so any
 * view can be bookmarked, shared and restored with Back.
 */

interface Loc {
  path: string;
  search: string;
}

const read = (): Loc => ({ path: window.location.pathname, search: window.location.search });

export const location = signal<Loc>(read());
export const searchParams = computed(() => new URLSearchParams(location.value.search));

window.addEventListener('popstate', () => {
  location.value = read();
});

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, window.location.href);
  if (url.origin !== window.location.origin) return;
  const next = url.pathname + url.search;
  if (next === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', next);
  else window.history.pushState(null, '', next);
  location.value = read();
  if (!options.replace) window.scrollTo(0, 0);
}

/** Rewrites some query parameters of the current URL (empty values are dropped). */
export function setParams(changes: Record<string, string | readonly string[] | undefined>, options: { replace?: boolean } = {}): void {
  const params = new URLSearchParams(location.value.search);
  for (const [k, v] of Object.entries(changes)) {
    params.delete(k);
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else if (typeof v === 'string' && v !== '') params.set(k, v);
  }
  const s = params.toString();
  navigate(`${location.value.path}${s ? `?${s}` : ''}`, options);
}

export type Route =
  | { name: 'traces' }
  | { name: 'trace'; traceId: string }
  | { name: 'session'; sessionId: string }
  | { name: 'dashboards' }
  | { name: 'keys' }
  | { name: 'diagnostics' }
  | { name: 'alerts' }
  | { name: 'not-found' };

export function matchRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id] = parts;
  if (parts.length === 0 || (head === 'traces' && parts.length === 1)) return { name: 'traces' };
  if (head === 'traces' && id && parts.length === 2) return { name: 'trace', traceId: id };
  if (head === 'sessions' && id && parts.length === 2) return { name: 'session', sessionId: id };
  if (parts.length === 1 && (head === 'dashboards' || head === 'keys' || head === 'diagnostics' || head === 'alerts')) {
    return { name: head };
  }
  return { name: 'not-found' };
}

export const route = computed(() => matchRoute(location.value.path));

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

/** An anchor that navigates in-app on a plain click and keeps ctrl/middle-click "open in new tab". */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
