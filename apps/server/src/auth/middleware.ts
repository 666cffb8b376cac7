import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import type { KeyStore } from './key-store.ts';
import { DEFAULT_PROJECT_ID } from './key-store.ts';

export const SESSION_COOKIE = 'sightline_key';

export interface RequireProjectOptions {
  /** Loopback-only servers let the local viewer use /api without a key, as the default project. */
  allowLocalSession: boolean;
  /** Whether the `sightline_key` cookie counts (API routes yes, OTLP ingest no). */
  acceptCookie: boolean;
}

/** The bearer token of a request, if any: `Authorization: Bearer <key>`. */
export function bearerKey(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}

/**
 * Resolves the caller's project and sets `projectId` (and `keyId`) for every handler after it.
 * A key that is present but wrong is always a 401, even where a local session would be allowed:
 * silently falling back would hide a misconfigured client.
 */
export function requireProject(keys: KeyStore, opts: RequireProjectOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = bearerKey(c.req.header('authorization')) ?? (opts.acceptCookie ? (getCookie(c, SESSION_COOKIE) ?? null) : null);
    if (key === null) {
      if (!opts.allowLocalSession) throw new AppError('unauthorized', 'missing API key: send Authorization: Bearer <key>');
      c.set('projectId', DEFAULT_PROJECT_ID);
      c.set('keyId', null);
      return next();
    }
    const found = await keys.lookup(key);
    if (found.projectId === null) throw new AppError('unauthorized', 'invalid or revoked API key');
    c.set('projectId', found.projectId);
    c.set('keyId', found.keyId);
    return next();
  };
}
