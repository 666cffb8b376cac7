import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ApiRequestError } from '../api/client.ts';
import { formatBytes } from '../model/format.ts';

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const issues = error instanceof ApiRequestError ? error.issues : [];
  return (
    <div class="error-box" role="alert">
      <strong>{error instanceof ApiRequestError ? `Error ${error.status} (${error.code})` : 'Error'}</strong>
      <pre class="error-message">{error.message}</pre>
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => (
            <li key={i.path}>
              <code>{i.path || '(request)'}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="loading" aria-busy="true">
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function Badge({ tone = 'neutral', children, title }: { tone?: 'ok' | 'error' | 'warn' | 'neutral' | 'info'; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(text).then(
      () => {
        setDone(true);
        window.setTimeout(() => setDone(false), 1500);
      },
      () => setDone(false),
    );
  };
  return (
    <button type="button" class="small" onClick={copy}>
      {done ? 'Copied' : label}
    </button>
  );
}

/** First bytes of content rendered at once; the rest only on request, so a 256 KB prompt stays cheap. */
export const PREVIEW_CHARS = 4000;

/**
 * Model and user content, always as a text node inside <pre>: Preact escapes it, so markup,
 * event-handler attributes and markdown image syntax stay inert characters.
 */
export function TextBlock({ text, class: cls = '' }: { text: string; class?: string }) {
  const [full, setFull] = useState(false);
  const long = text.length > PREVIEW_CHARS;
  const shown = long && !full ? text.slice(0, PREVIEW_CHARS) : text;
  return (
    <div class={`text-block ${cls}`}>
      <pre>{shown}</pre>
      {long && (
        <button type="button" class="small" onClick={() => setFull(!full)}>
          {full ? 'Show less' : `Show all (${formatBytes(text.length)})`}
        </button>
      )}
    </div>
  );
}

export function KeyValues({ rows }: { rows: readonly (readonly [string, ComponentChildren])[] }) {
  return (
    <dl class="kv">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
