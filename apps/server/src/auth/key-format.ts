import { createHmac, randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PREFIX = 'sl_';
const KEY_BODY_LENGTH = 32;

/** A new API key: `sl_` + 32 base62 chars (~190 bits), drawn without modulo bias. */
export function generateKey(): string {
  let body = '';
  while (body.length < KEY_BODY_LENGTH) {
    for (const byte of randomBytes(48)) {
      // 248 = 4 × 62: bytes at or above it would favour the first characters.
      if (byte < 248 && body.length < KEY_BODY_LENGTH) body += BASE62[byte % 62];
    }
  }
  return `${KEY_PREFIX}${body}`;
}

/**
 * What is stored for a key: HMAC-SHA256 under a server-side pepper. Keys carry ~190 random bits, so a
 * fast hash is safe against guessing (unlike passwords) and keeps every request's lookup cheap.
 */
export function hashKey(key: string, pepper: string): string {
  return createHmac('sha256', pepper).update(key).digest('hex');
}

/** The part of a key that may be shown and logged: enough to recognise it, useless to use. */
export function keyDisplayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}

export function newKeyId(): string {
  return `key_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

/** Keys the server accepts: ours, or a bootstrap key chosen by an operator (at least 20 visible chars). */
export function isPlausibleKey(key: string): boolean {
  return key.length >= 20 && key.length <= 200 && /^[\x21-\x7e]+$/.test(key);
}
