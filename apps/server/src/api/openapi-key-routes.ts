import { ApiKeyInfo, CreatedApiKey } from '@sightline/contracts';
import { z } from 'zod';
import { registerOpenApi } from './openapi.ts';

/**
 * Entries for the key and session routes (apps/server/src/auth/routes.ts), which validate with
 * local schemas; these mirror them. If auth registers its own, the later call wins (same key).
 */
const keys = ['keys'];
registerOpenApi({ method: 'get', path: '/api/keys', summary: "The project's API keys (prefixes only)", tags: keys, response: z.object({ items: z.array(ApiKeyInfo) }) });
registerOpenApi({
  method: 'post',
  path: '/api/keys',
  summary: 'Create an API key; the key is in this response only',
  tags: keys,
  body: z.object({ name: z.string().min(1).max(100).optional() }),
  response: CreatedApiKey,
  status: 201,
});
registerOpenApi({ method: 'delete', path: '/api/keys/:id', summary: 'Revoke an API key', tags: keys });
registerOpenApi({
  method: 'post',
  path: '/api/session',
  summary: 'Trade a key for an HttpOnly session cookie (the viewer on a non-loopback server)',
  tags: keys,
  body: z.object({ key: z.string().min(1).max(200) }),
  response: z.object({ projectId: z.string() }),
});
registerOpenApi({ method: 'delete', path: '/api/session', summary: 'End the cookie session', tags: keys });
