import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRetryAfter, postWebhook } from './http-delivery.ts';
import { startReceiver } from './test-support.ts';

let rx: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  rx = await startReceiver((r) => (r.body === 'slow-down' ? { status: 429, headers: { 'retry-after': 'Fri, 20 Nov 2026 10:02:00 GMT' } } : { status: 202 }));
});
afterAll(async () => rx.close());

describe('postWebhook', () => {
  it('connects to the address it vetted, not to a fresh DNS answer', async () => {
    // `hooks.invalid` cannot resolve through real DNS: reaching the receiver proves the pinned lookup was used.
    const port = new URL(rx.url).port;
    const resolved: string[] = [];
    const r = await postWebhook(`http://hooks.invalid:${port}/hooks`, '{}', { 'x-test': '1' }, {
      allowPrivate: true,
      resolve: async (host) => {
        resolved.push(host);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    expect(r).toMatchObject({ statusCode: 202, error: '' });
    expect(resolved).toEqual(['hooks.invalid']);
    expect(rx.requests.at(-1)?.headers).toMatchObject({ host: `hooks.invalid:${port}`, 'x-test': '1', 'content-type': 'application/json' });
  });

  it('refuses the same name when its answer is private and private targets are not allowed', async () => {
    const r = await postWebhook('http://hooks.invalid/', '{}', {}, { allowPrivate: false, resolve: async () => [{ address: '10.0.0.7', family: 4 }] });
    expect(r.statusCode).toBeNull();
    expect(r.error).toMatch(/refused hooks\.invalid: 10\.0\.0\.7/);
  });

  it('reads Retry-After as seconds or as an HTTP date', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Fri, 20 Nov 2026 10:02:00 GMT', now)).toBe(120);
    expect(parseRetryAfter('Fri, 20 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    const r = await postWebhook(rx.url, 'slow-down', {}, { allowPrivate: true, now: () => now });
    expect(r).toMatchObject({ statusCode: 429, retryAfterSeconds: 120, error: 'HTTP 429' });
  });
});
