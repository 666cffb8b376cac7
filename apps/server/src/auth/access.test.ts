import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../ingest/test-support.ts';

// A server listening beyond loopback, serving a (stand-in) built viewer.
const viewerDir = mkdtempSync(join(tmpdir(), 'sightline-viewer-'));
mkdirSync(join(viewerDir, 'assets'));
writeFileSync(join(viewerDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
writeFileSync(join(viewerDir, 'assets', 'app.js'), 'console.log(1)');

let server: TestServer;
let base: string;
beforeAll(async () => {
  server = await startTestServer({ host: '0.0.0.0', viewerDir });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
});

describe('access beyond loopback', () => {
  it('requires a key on every /api call', async () => {
    expect(server.allowLocalSession).toBe(false);
    const res = await fetch(`${base}/api/keys`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/API key/) as string } });
    expect((await fetch(`${base}/api/keys`, { headers: { authorization: `Bearer ${server.key}` } })).status).toBe(200);
  });

  it('trades a key for an HttpOnly, SameSite=Strict session cookie that authenticates /api', async () => {
    expect((await fetch(`${base}/api/session`, { method: 'POST', body: JSON.stringify({ key: 'sl_notavalidkeyatall000000000000000' }), headers: { 'content-type': 'application/json' } })).status).toBe(401);
    const res = await fetch(`${base}/api/session`, { method: 'POST', body: JSON.stringify({ key: server.key }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sightline_key=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api/);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${base}/api/keys`, { headers: { cookie: session } })).status).toBe(200);
    // The cookie never stands in for a key on ingest: exporters send headers.
    expect((await fetch(`${base}/v1/traces`, { method: 'POST', body: '{}', headers: { cookie: session, 'content-type': 'application/json' } })).status).toBe(401);
  });
});

describe('serving the viewer', () => {
  it('serves index.html with a strict Content-Security-Policy, also for client-side routes', async () => {
    for (const path of ['/', '/traces/abc123']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).not.toMatch(/unsafe-inline/);
      expect(await res.text()).toContain('/assets/app.js');
    }
  });

  it('serves assets, 404s missing ones and never leaves the viewer directory', async () => {
    const js = await fetch(`${base}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    const traversal = await fetch(`${base}/..%2f..%2f..%2fetc%2fpasswd`);
    expect(await traversal.text()).not.toMatch(/root:/);
    expect((await fetch(`${base}/api/unknown`, { headers: { authorization: `Bearer ${server.key}` } })).status).toBe(404);
  });
});
