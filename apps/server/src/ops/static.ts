import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** No inline scripts, nothing from elsewhere: model output shown in the viewer can never run. */
export const VIEWER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Serves the built viewer (apps/viewer/dist). Unknown GET paths outside /api and /v1 get index.html
 * so client-side routes survive a reload. Paths are resolved inside `root` only.
 */
export function serveViewer(root: string): MiddlewareHandler<AppEnv> {
  const base = normalize(root + sep);
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const path = c.req.path;
    if (path.startsWith('/api/') || path === '/api' || path.startsWith('/v1/')) return next();
    let file = normalize(join(base, decodeURIComponent(path)));
    if (!file.startsWith(base)) return next();
    const isFile = await stat(file).then((s) => s.isFile(), () => false);
    if (!isFile) {
      // A missing asset is a 404; any other path is a client route.
      if (extname(path) !== '' && extname(path) !== '.html') return next();
      file = join(base, 'index.html');
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return next(); // viewer not built: fall through to the 404 handler
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff' };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = VIEWER_CSP;
      headers['cache-control'] = 'no-cache';
    } else if (path.startsWith('/assets/')) headers['cache-control'] = 'public, max-age=31536000, immutable';
    return c.body(new Uint8Array(body), 200, headers);
  };
}
