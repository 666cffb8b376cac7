import { describe, expect, it } from 'vitest';
import { makeSpanRow } from '../queries/span-row-fixture.ts';
import { SPAN_INSERT_COLUMNS, decodeSpanLine, encodeSpan, joinLines, spanLineText, spanRowFromJsonLine } from './encoded-span.ts';
import { toSpanInsertRow } from './span-insert-row.ts';

const row = makeSpanRow({
  ProjectId: 'p',
  TraceId: 'a'.repeat(32),
  SpanId: 'b'.repeat(16),
  InputContent: 'line one\nline "two" \u2028 é 😀 tab\t cr\r nul\0 back\\slash \\N quote \'',
  SpanAttributes: { 'gen_ai.request.model': 'gpt-4o', "it's\tkey": 'v\\al\nue' },
  TtftMs: null,
  Events: [{ Timestamp: '1700000000000000001', Name: 'gen_ai.choice', Attributes: { k: 'v' } }],
  Links: [{ TraceId: 'c'.repeat(32), SpanId: 'd'.repeat(16), TraceState: '', Attributes: {} }],
  Diagnostics: ['usage.missing: no token counts'],
});

describe('encodeSpan', () => {
  it('writes the values of toSpanInsertRow as one TabSeparated line, in SPAN_INSERT_COLUMNS order', () => {
    const object = toSpanInsertRow(row);
    expect(SPAN_INSERT_COLUMNS).toEqual(Object.keys(object));
    const line = encodeSpan(row).line.toString('utf8');
    expect(line.split('\t')).toHaveLength(SPAN_INSERT_COLUMNS.length);
    expect(line).not.toContain('\n');
    expect(decodeSpanLine(encodeSpan(row).line)).toEqual(object);
  });

  it('reads a JSONCompactEachRow line of an earlier version back as the same span', () => {
    const object = toSpanInsertRow(row);
    const jsonLine = Buffer.from(JSON.stringify(SPAN_INSERT_COLUMNS.map((c) => object[c])));
    expect(spanLineText(spanRowFromJsonLine(jsonLine))).toBe(spanLineText(row));
  });

  it('keeps one line per span (newlines in content are escaped) and the identity beside it', () => {
    const encoded = encodeSpan(row);
    expect(encoded).toMatchObject({ projectId: 'p', traceId: row.TraceId, spanId: row.SpanId, timestamp: row.Timestamp });
    const payload = joinLines([encoded, encodeSpan({ ...row, SpanId: 'e'.repeat(16) })]).toString('utf8');
    expect(payload.split('\n')).toHaveLength(3);
    expect(payload.endsWith('\n')).toBe(true);
  });
});
