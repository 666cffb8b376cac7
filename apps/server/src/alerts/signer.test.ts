import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, InvalidWebhookSecretError, signedHeaders, signPayload } from './signer.ts';

describe('Standard Webhooks signer', () => {
  it('reproduces the specification test vector', () => {
    const sig = signPayload(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(sig).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('produces headers the reference library verifies, for both secrets during a rotation', () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'alert.firing', data: { value: 1 } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([newSecret, oldSecret], 'msg_abc', ts, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(newSecret).verify(body + ' ', { ...headers })).toThrow();
  });

  it('refuses secrets without the whsec_ prefix', () => {
    expect(() => signPayload('abc', 'm', 1, '')).toThrow(InvalidWebhookSecretError);
    expect(() => signedHeaders([], 'm', 1, '')).toThrow(InvalidWebhookSecretError);
  });
});
