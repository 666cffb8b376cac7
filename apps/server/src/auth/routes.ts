import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../ops/errors.ts';
import type { Logger } from '../ops/log.ts';
import type { KeyStore } from './key-store.ts';
import { SESSION_COOKIE } from './middleware.ts';

const CreateKeyBody = z.object({ name: z.string().trim().min(1).max(100).default('api key') });
const SessionBody = z.object({ key: z.string().min(1).max(200) });

/** `/api/keys`: list, create (the key is in this one response only), revoke. Mounted behind requireProject. */
export function createKeyRoutes(deps: { keys: KeyStore; logger: Logger }) {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json({ items: await deps.keys.listKeys(c.get('projectId')) }))
    .post('/', zValidator('json', CreateKeyBody), async (c) => {
      const { key, info } = await deps.keys.createKey(c.get('projectId'), c.req.valid('json').name);
      deps.logger.log('info', 'keys.created', { projectId: info.projectId, keyId: info.id, prefix: info.prefix });
      return c.json({ ...info, key }, 201);
    })
    .delete('/:id', async (c) => {
      const id = c.req.param('id');
      if (!(await deps.keys.revokeKey(c.get('projectId'), id))) throw new AppError('not_found', `no API key ${id} in this project`);
      deps.logger.log('info', 'keys.revoked', { projectId: c.get('projectId'), keyId: id });
      return c.body(null, 204);
    });
}

/**
 * `/api/session`: trades a key for an HttpOnly cookie so the viewer on a non-loopback server never
 * keeps the key where scripts can read it. Not behind requireProject: it is how one authenticates.
 */
export function createSessionRoutes(deps: { keys: KeyStore }) {
  return new Hono<AppEnv>()
    .post('/', zValidator('json', SessionBody), async (c) => {
      const { key } = c.req.valid('json');
      const projectId = await deps.keys.resolve(key);
      if (projectId === null) throw new AppError('unauthorized', 'invalid or revoked API key');
      setCookie(c, SESSION_COOKIE, key, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/api',
        secure: new URL(c.req.url).protocol === 'https:',
        maxAge: 60 * 60 * 24 * 30,
      });
      return c.json({ projectId });
    })
    .delete('/', (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/api' });
      return c.body(null, 204);
    });
}
