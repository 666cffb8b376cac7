import { REDACTED_MARKER } from '@sightline/contracts/semconv';
import { reportInternal } from './diagnostics.ts';

/** A user hook that rewrites captured text before export. Return the text to keep. */
export type MaskFn = (text: string, field: { key: string }) => string;

export interface ContentPolicy {
  capture: boolean;
  redactSecrets: boolean;
  mask: MaskFn | undefined;
  maxAttributeBytes: number;
}

// Why these: the secrets most often pasted into prompts or echoed by tools. Each alternative is
// anchored on a distinctive prefix so the scan stays linear and cheap on multi-KB strings.
const SECRET_PATTERN = new RegExp(
  [
    String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`,
    String.raw`\bsk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{20,}`,
    String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`,
    String.raw`(?<=aws_secret_access_key\s*[=:]\s*["']?)[A-Za-z0-9/+]{40}`,
    String.raw`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
    String.raw`\bAIza[0-9A-Za-z_-]{35}\b`,
    String.raw`\bgh[pousr]_[A-Za-z0-9]{36,}\b`,
    String.raw`\bgithub_pat_[A-Za-z0-9_]{40,}\b`,
    String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}`,
    String.raw`\bhf_[A-Za-z0-9]{30,}\b`,
    String.raw`\bgsk_[A-Za-z0-9]{40,}\b`,
  ].join('|'),
  'g',
);

// Literal prefixes only: V8 scans these several times faster than the full pattern, and almost
// no text contains one, so the full pattern runs only where a secret could be.
const SECRET_HINT = /sk-|AKIA|ASIA|aws_secret|eyJ|AIza|gh[pousr]_|github_pat_|xox[abposr]-|hf_|gsk_|PRIVATE KEY/;
// Five of those prefixes contain '_', which most prose lacks: one indexOf rules them out, and the
// shorter pattern left scans 2 KB of prose in about half the time of the full hint.
const SECRET_HINT_NO_UNDERSCORE = /sk-|eyJ|A(?:KIA|SIA|Iza)|xox[abposr]-|PRIVATE KEY/;

function mayHoldSecret(text: string): boolean {
  return text.indexOf('_') === -1 ? SECRET_HINT_NO_UNDERSCORE.test(text) : SECRET_HINT.test(text);
}

/**
 * Replaces well-known secret shapes (provider API keys, AWS keys, JWTs, private keys) with the
 * marker. The SDK runs it on all captured content; it is exported for use in your own `mask`.
 *
 * @example
 * ```ts
 * redactSecrets('key sk-proj-abcdefghijklmnopqrstuvwx'); // 'key [REDACTED]'
 * ```
 */
export function redactSecrets(text: string): string {
  if (!mayHoldSecret(text)) return text;
  SECRET_PATTERN.lastIndex = 0;
  return SECRET_PATTERN.test(text) ? text.replace(SECRET_PATTERN, REDACTED_MARKER) : text;
}

const SCAN_SLACK = 8192;

let optionsOf: { policy: ContentPolicy; options: { redact: boolean; limit: number } } | undefined;

/** Options for serialisers that redact piece by piece: redact per policy, stop past the cap plus slack. */
export function contentOptions(policy: ContentPolicy): { redact: boolean; limit: number } {
  // The policy object changes only with init() or a test capture: one options object per policy.
  if (optionsOf?.policy !== policy) {
    optionsOf = { policy, options: { redact: policy.redactSecrets, limit: policy.maxAttributeBytes + SCAN_SLACK } };
  }
  return optionsOf.options;
}

// Content repeats between calls: a system prompt on every call, and a conversation's earlier turns
// (questions and answers) sent again with each new one. A few recently seen strings that held no
// secret are kept with their JSON form, so a repeated one is neither scanned nor escaped again.
// Strings are immutable, so a string equal to a remembered one has the same, clean, JSON.
// Bounded: at most 32 texts of up to 32K characters each, with their JSON (a few MB at worst).
const RECENT_MIN_CHARS = 256;
const RECENT_MAX_CHARS = 32 * 1024;
const RECENT_SLOTS = 32;
const recentText: string[] = [];
const recentJson: string[] = [];
let recentNext = 0;

/**
 * `text` as a JSON string literal, secrets redacted when `redact` (see {@link redactSecrets}).
 * Only used for text that ends up inside a content attribute whose whole text is then not scanned
 * again ({@link prepareContent} with `redacted`). `fresh`: text that cannot have been seen before
 * (a model's answer) is not looked up, only remembered for when it comes back as a later turn.
 */
export function contentJson(text: string, redact: boolean, fresh = false): string {
  const rememberable = text.length >= RECENT_MIN_CHARS && text.length <= RECENT_MAX_CHARS;
  if (rememberable && !fresh) {
    for (let i = 0; i < recentText.length; i++) if (recentText[i] === text) return recentJson[i] as string;
  }
  if (!redact) return JSON.stringify(text);
  const clean = redactSecrets(text);
  const json = JSON.stringify(clean);
  if (rememberable && clean === text) {
    recentText[recentNext] = text;
    recentJson[recentNext] = json;
    recentNext = (recentNext + 1) % RECENT_SLOTS;
  }
  return json;
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function capBytes(text: string, maxBytes: number): { value: string; truncated: boolean } {
  // Fast path: a UTF-16 string of n units is at most 3n UTF-8 bytes.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes) {
    return { value: text, truncated: false };
  }
  // Largest prefix within budget: binary search over UTF-16 length (slices stay ≤ maxBytes chars).
  let lo = 0;
  let hi = Math.min(text.length, maxBytes);
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (Buffer.byteLength(text.slice(0, mid), 'utf8') <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  let cut = lo;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return { value: text.slice(0, cut), truncated: true };
}

/**
 * Runs redaction, the user's mask (fail closed: a throwing mask yields the marker) and the size
 * cap, in that order, so the cap never hides a secret that redaction would have caught.
 * `redacted`: the text was built from pieces already redacted ({@link contentJson}).
 */
export function prepareContent(text: string, key: string, policy: ContentPolicy, redacted = false): { value: string; truncated: boolean } {
  // Scan only what can survive the cap (plus slack so a secret across the cut is still whole).
  const scanned = text.length > policy.maxAttributeBytes + SCAN_SLACK ? text.slice(0, policy.maxAttributeBytes + SCAN_SLACK) : text;
  let value = policy.redactSecrets && !redacted ? redactSecrets(scanned) : scanned;
  if (policy.mask) {
    try {
      const masked = policy.mask(value, { key });
      value = typeof masked === 'string' ? masked : REDACTED_MARKER;
    } catch (err) {
      reportInternal('mask hook threw; field replaced by the redaction marker', err);
      value = REDACTED_MARKER;
    }
  }
  const capped = capBytes(value, policy.maxAttributeBytes);
  return scanned === text ? capped : { value: capped.value, truncated: true };
}

/** JSON.stringify that survives cycles, BigInt and throwing getters; never throws. */
export function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return stringifyDefensively(value);
  }
}

function stringifyDefensively(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
        }
        return v;
      }) ?? 'null'
    );
  } catch (err) {
    reportInternal('value could not be serialised', err);
    return '"[Unserialisable]"';
  }
}
