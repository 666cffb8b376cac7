import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { refusedAddressReason, vetWebhookTarget, WebhookTargetError } from './ssrf-guard.ts';

const refuse = (url: string) => expect(vetWebhookTarget(url, { allowPrivate: false })).rejects.toThrow(WebhookTargetError);

describe('SSRF guard', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://2130706433/hook', // decimal
    'http://0x7f000001/hook', // hex
    'http://0x7f.1/hook', // short hex form
    'http://0177.0.0.1/hook', // octal
    'http://127.1/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook', // v4-mapped
    'http://[::ffff:7f00:1]/hook',
    'http://[64:ff9b::a9fe:a9fe]/hook', // NAT64 of 169.254.169.254
    'http://[2002:7f00:1::]/hook', // 6to4 of 127.0.0.1
    'http://[fe80::1]/hook',
    'http://[fd00:ec2::254]/latest/meta-data', // AWS IPv6 metadata
    'http://169.254.169.254/latest/meta-data', // cloud metadata
    'http://100.100.100.200/', // Alibaba metadata
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.1.1/',
    'http://0.0.0.0/',
    'http://localhost:8080/',
    'http://foo.localhost/',
  ])('refuses %s', async (url) => {
    await refuse(url);
  });

  it('refuses a name whose DNS answer contains a loopback address, checking every address', async () => {
    await expect(
      vetWebhookTarget('https://hooks.example.com/x', {
        allowPrivate: false,
        resolve: async () => [
          { address: '93.184.216.34', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ],
      }),
    ).rejects.toThrow(/127\.0\.0\.1/);
  });

  it("refuses the machine's own host name, which the system resolver maps to a local address", async () => {
    await expect(vetWebhookTarget(`http://${hostname()}:8080/`, { allowPrivate: false })).rejects.toThrow(/refused .*(127\.|10\.|172\.|192\.168\.|::1|fe80|fd)/);
    await refuse('http://localhost./'); // trailing dot, same host
  });

  it('refuses non-http schemes and embedded credentials', async () => {
    await refuse('file:///etc/passwd');
    await refuse('https://user:pw@hooks.example.com/');
    await refuse('not a url');
  });

  it('accepts a public address and pins the connection to the vetted one', async () => {
    const t = await vetWebhookTarget('https://hooks.example.com/x', {
      allowPrivate: false,
      resolve: async () => [{ address: '93.184.216.34', family: 4 }],
    });
    expect(t.address).toBe('93.184.216.34');
    expect(t.family).toBe(4);
    expect(refusedAddressReason('2606:4700::1111')).toBeNull();
    expect(refusedAddressReason('8.8.8.8')).toBeNull();
  });

  it('allows loopback only when the server is configured to, and never cloud metadata', async () => {
    const t = await vetWebhookTarget('http://127.0.0.1:9/x', { allowPrivate: true });
    expect(t.address).toBe('127.0.0.1');
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[::ffff:a9fe:a9fe]/', 'http://metadata.google.internal/', 'http://[fd00:ec2::254]/']) {
      await expect(vetWebhookTarget(url, { allowPrivate: true }), url).rejects.toThrow(/metadata/);
    }
    await expect(
      vetWebhookTarget('http://rebind.example/', { allowPrivate: true, resolve: async () => [{ address: '169.254.169.254', family: 4 }] }),
    ).rejects.toThrow(/metadata/);
  });
});
