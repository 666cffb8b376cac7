/**
 * ClickHouse's TabSeparated text: a field is escaped so a row is one line and its fields never hold
 * a raw tab; Arrays and Maps are written in their quoted literal form (`['a','b']`, `{'k':'v'}`)
 * inside one field. `parseTsvValue` reads both forms back, for the dead letters an operator reads.
 */

const FIELD_SPECIAL = /[\\\t\n\r\0\b\f]/;
const QUOTED_SPECIAL = /[\\'\t\n\r\0\b\f]/;
const QUOTED_SPECIAL_ALL = /[\\'\t\n\r\0\b\f]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\b': '\\b', '\f': '\\f', "'": "\\'",
};
const escapeChar = (c: string): string => ESCAPES[c] ?? c;

const RARE_SPECIAL = /[\r\0\b\f]/;
const RARE_SPECIAL_ALL = /[\r\0\b\f]/g;

/**
 * A String field. A short value (a name, an id) takes one regex test and usually no copy. A long
 * one (a prompt) is checked with `includes`, which V8 runs as a memchr per character: ~0.1 µs for
 * 2 KB of JSON against ~1.2 µs for one regex scan; what it holds goes through plain `replaceAll`s,
 * ~1.2× faster than one regex replace calling back per character.
 */
export function tsvString(s: string): string {
  if (s.length < LONG_STRING) {
    if (!FIELD_SPECIAL.test(s)) return s;
  } else if (!s.includes('\\') && !s.includes('\n') && !s.includes('\t') && !hasRareSpecial(s)) {
    return s;
  }
  let out = s.includes('\\') ? s.replaceAll('\\', '\\\\') : s;
  if (out.includes('\n')) out = out.replaceAll('\n', '\\n');
  if (out.includes('\t')) out = out.replaceAll('\t', '\\t');
  return hasRareSpecial(out) ? out.replace(RARE_SPECIAL_ALL, escapeChar) : out;
}

/** From this length on, a few `includes` scans beat one regex scan. */
const LONG_STRING = 48;

function hasRareSpecial(s: string): boolean {
  return s.length < LONG_STRING ? RARE_SPECIAL.test(s) : s.includes('\r') || s.includes('\0') || s.includes('\b') || s.includes('\f');
}

/**
 * A number field. A number that is not finite (and null) becomes NULL, which a non-Nullable column
 * reads as 0, as JSON.stringify's `null` did; anything else goes as its text, so a value of the
 * wrong type is refused by the engine instead of silently stored as 0.
 */
export function tsvNumber(n: number): string {
  if (typeof n === 'number') return Number.isFinite(n) ? String(n) : '\\N';
  return n === null ? '\\N' : tsvString(String(n));
}

function quoted(s: string): string {
  return `'${QUOTED_SPECIAL.test(s) ? s.replace(QUOTED_SPECIAL_ALL, escapeChar) : s}'`;
}

/** An Array(String) field (also Array(DateTime64) from nanosecond strings). */
export function tsvStringArray(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  let out = `[${quoted(values[0] as string)}`;
  for (let i = 1; i < values.length; i++) out += `,${quoted(values[i] as string)}`;
  return `${out}]`;
}

/** A Map(String, String) field. */
export function tsvMap(map: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key in map) out += `${out === '' ? '{' : ','}${quoted(key)}:${quoted(String(map[key]))}`;
  return out === '' ? '{}' : `${out}}`;
}

/** An Array(Map(String, String)) field. */
export function tsvMapArray(maps: readonly Readonly<Record<string, string>>[]): string {
  return maps.length === 0 ? '[]' : `[${maps.map(tsvMap).join(',')}]`;
}

const UNESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0' };

/** A String field's text back as its value (`\N` is null). */
export function unescapeTsvField(text: string): string | null {
  if (text === '\\N') return null;
  return text.replace(/\\(.)/gs, (_, c: string) => UNESCAPES[c] ?? c);
}

/**
 * A field's text back as a value: quoted literals (`[...]`, `{...}`, `'...'`) as arrays, objects and
 * strings, anything else as an unescaped string. Loose on purpose: it reads rows back for people.
 */
export function parseTsvValue(text: string): unknown {
  const first = text[0];
  if (first !== '[' && first !== '{') return unescapeTsvField(text);
  let at = 0;
  const value = (): unknown => {
    const c = text[at];
    if (c === "'") {
      let out = '';
      for (at++; at < text.length && text[at] !== "'"; at++) {
        if (text[at] === '\\') {
          at++;
          const e = text[at] ?? '';
          out += UNESCAPES[e] ?? e;
        } else out += text[at];
      }
      at++;
      return out;
    }
    if (c === '[' || c === '{') {
      const close = c === '[' ? ']' : '}';
      const list: unknown[] = [];
      const map: Record<string, unknown> = {};
      at++;
      while (at < text.length && text[at] !== close) {
        const item = value();
        if (c === '{' && text[at] === ':') {
          at++;
          map[String(item)] = value();
        } else list.push(item);
        if (text[at] === ',') at++;
      }
      at++;
      return c === '[' ? list : map;
    }
    const start = at;
    while (at < text.length && text[at] !== ',' && text[at] !== ']' && text[at] !== '}' && text[at] !== ':') at++;
    const raw = text.slice(start, at);
    return raw === 'NULL' ? null : raw;
  };
  return value();
}
