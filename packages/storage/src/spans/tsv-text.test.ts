import { describe, expect, it } from 'vitest';
import { parseTsvValue, tsvMap, tsvMapArray, tsvNumber, tsvString, tsvStringArray, unescapeTsvField } from './tsv-text.ts';

// Strings built from the characters TabSeparated treats specially, mixed with ordinary text.
const ALPHABET = ['a', 'é', '😀', '\\', '\t', '\n', '\r', '\0', '\b', '\f', "'", '"', ',', ':', '[', ']', '{', '}', 'N', ' '];
function randomStrings(count: number, seed: number, maxLength = 24): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state;
  };
  return Array.from({ length: count }, () => Array.from({ length: next() % maxLength }, () => ALPHABET[next() % ALPHABET.length]).join(''));
}

describe('TabSeparated text', () => {
  const strings = randomStrings(500, 7);

  it('escapes a String field so it holds no raw tab or newline, and reads back as it was', () => {
    for (const s of strings) {
      const field = tsvString(s);
      expect(field).not.toMatch(/[\t\n\r]/);
      expect(unescapeTsvField(field)).toBe(s);
    }
    // Long strings (prompts) take another path than short ones: the same guarantees.
    for (const s of randomStrings(300, 11, 400)) expect(unescapeTsvField(tsvString(s))).toBe(s);
    expect(unescapeTsvField(tsvString('\\N'))).toBe('\\N');
    expect(unescapeTsvField('\\N')).toBeNull();
  });

  it('writes arrays and maps as quoted literals that read back as they were', () => {
    for (let i = 0; i + 3 < strings.length; i += 4) {
      const list = strings.slice(i, i + 3);
      const map = { [strings[i] as string]: strings[i + 1] as string, [`k${i}`]: strings[i + 3] as string };
      for (const field of [tsvStringArray(list), tsvMap(map), tsvMapArray([map, {}])]) expect(field).not.toMatch(/[\t\n\r]/);
      expect(parseTsvValue(tsvStringArray(list))).toEqual(list);
      expect(parseTsvValue(tsvMap(map))).toEqual(map);
      expect(parseTsvValue(tsvMapArray([map, {}]))).toEqual([map, {}]);
    }
    expect([tsvStringArray([]), tsvMap({}), tsvMapArray([])]).toEqual(['[]', '{}', '[]']);
  });

  it('writes numbers as text, NULL for what is not a finite number, and a wrong type as text the engine refuses', () => {
    expect([tsvNumber(42), tsvNumber(1.5), tsvNumber(Number.NaN), tsvNumber(Number.POSITIVE_INFINITY)]).toEqual(['42', '1.5', '\\N', '\\N']);
    expect(tsvNumber(null as unknown as number)).toBe('\\N');
    expect(tsvNumber('many\tthings' as unknown as number)).toBe('many\\tthings');
  });
});
