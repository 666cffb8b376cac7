import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDriver } from '../open-driver.ts';
import { describeDriverConformance } from '../testing/driver-conformance.ts';
import { encodeRows } from './chdb-driver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-chdb-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeDriverConformance('chdb', () =>
  openDriver({ mode: 'embedded', dataDir, database: `sl_conf_${process.pid}` }),
);

describe('chDB row encoding', () => {
  it('uses JSONCompactEachRow with a column list for uniform rows', () => {
    expect(encodeRows([{ a: 1, b: 'x' }, { a: 2, b: 'y\n' }])).toEqual({ payload: '[1,"x"]\n[2,"y\\n"]\n', columns: ['a', 'b'] });
  });

  it('falls back to JSONEachRow when a row has other keys, so no value lands in the wrong column', () => {
    expect(encodeRows([{ a: 1, b: 2 }, { b: 3, a: 4 }])).toEqual({ payload: '{"a":1,"b":2}\n{"b":3,"a":4}\n' });
    expect(encodeRows([{ a: 1 }, { a: 1, c: 2 }])).toEqual({ payload: '{"a":1}\n{"a":1,"c":2}\n' });
  });
});
