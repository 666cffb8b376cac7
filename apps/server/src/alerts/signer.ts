import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
 * `${id}.${timestamp}.${body}`, signed with HMAC-SHA256 keyed by the base64-decoded part of a `whsec_`
 * secret, sent as `v1,<base64>`. Several signatures are space-separated, which is how a receiver
 * keeps verifying while a secret is being rotated.
 */

const SECRET_PREFIX = 'whsec_';

export class InvalidWebhookSecretError extends Error {
  readonly code = 'invalid_webhook_secret';
}

export function generateWebhookSecret(): string {
  // 24 bytes is inside the 24–64 byte range the specification recommends.
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new InvalidWebhookSecretError('webhook secrets start with whsec_');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  if (key.length < 16) throw new InvalidWebhookSecretError('webhook secret is too short');
  return key;
}

export function signPayload(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Headers for one attempt; `secrets` lists the current secret first, then any still-valid previous one. */
export function signedHeaders(
  secrets: readonly string[],
  msgId: string,
  timestampSeconds: number,
  body: string,
): SignedHeaders {
  if (secrets.length === 0) throw new InvalidWebhookSecretError('no secret to sign with');
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signPayload(s, msgId, timestampSeconds, body)).join(' '),
  };
}
