import type { AttributeValue, Attributes } from '../ingest/decoded-span.ts';

/** One attribute value as the `SpanAttributes` map stores it: arrays and maps as JSON, bytes as base64. */
export function stringifyValue(v: AttributeValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return JSON.stringify(toJson(v));
}

/** The value in plain JSON terms (bytes become base64 strings). */
export function toJson(v: AttributeValue): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map((x: AttributeValue) => toJson(x));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJson(x);
    return out;
  }
  return v;
}

export function stringifyAttributes(attrs: Attributes, skip?: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (!skip?.has(k)) out[k] = stringifyValue(v);
  return out;
}

/** The first key holding a non-empty value, as a string. */
export function str(attrs: Attributes, ...keys: string[]): string {
  for (const k of keys) {
    const v = attrs[k];
    if (v === undefined || v === null) continue;
    const s = typeof v === 'string' ? v : stringifyValue(v);
    if (s !== '') return s;
  }
  return '';
}

/** A number from a number, a numeric string or an int64 decimal string; undefined when absent or not numeric. */
export function numberOf(v: AttributeValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function num(attrs: Attributes, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const n = numberOf(attrs[k]);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** A string list from an array value, a JSON array text, or a single string. */
export function stringList(v: AttributeValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x: AttributeValue) => stringifyValue(x)).filter((s) => s !== '');
  if (typeof v === 'string') {
    if (v.startsWith('[')) {
      const parsed = parseJson(v);
      if (Array.isArray(parsed)) return parsed.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    }
    return v === '' ? [] : [v];
  }
  return [stringifyValue(v)];
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: callers treat the text as a plain string, which is what such attributes usually are.
    return undefined;
  }
}

export function hasPrefix(attrs: Attributes, prefix: string): boolean {
  for (const k in attrs) if (k.startsWith(prefix)) return true;
  return false;
}
