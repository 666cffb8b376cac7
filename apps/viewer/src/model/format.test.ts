import { describe, expect, it } from 'vitest';
import { columnLabel, countOf, formatMs, formatUsd, formatterFor } from './format.ts';

describe('formats', () => {
  it('picks the unit from the field name, suffix first', () => {
    expect(formatterFor('p95DurationMs')(1500)).toBe('1.5 s');
    expect(formatMs(30_000)).toBe('30 s');
    expect(formatMs(2_625)).toBe('2.63 s');
    expect(formatterFor('costPerCallUsd')(0.5)).toBe('$0.50');
    expect(formatUsd(0.00012)).toBe('$0.00012');
    expect(formatUsd(0.0012)).toBe('$0.0012');
    expect(formatterFor('errorRate')(0.25)).toBe('25.0%');
    expect(formatterFor('calls')(12_345)).toBe('12.3k');
  });

  it('formats money and durations at every scale', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.000012)).toBe('$0.000012');
    expect(formatUsd(2.6e-7)).toBe('$0.00000026');
    expect(formatUsd(0.0000123456)).toBe('$0.0000123');
    expect(formatUsd(0.0000367)).toBe('$0.0000367');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(0.25)).toBe('250 µs');
    expect(formatMs(125_000)).toBe('2 min 5 s');
  });

  it('labels columns from camelCase fields', () => {
    expect(columnLabel('costPerCallUsd')).toBe('cost per call (USD)');
    expect(columnLabel('p95TtftMs')).toBe('p95 TTFT');
    expect(columnLabel('p50DurationMs')).toBe('p50 duration');
    expect(columnLabel('repeatedCalls')).toBe('repeated calls');
  });

  it('counts with the noun in the singular for one', () => {
    expect(countOf(1, 'trace')).toBe('1 trace');
    expect(countOf(2, 'LLM call')).toBe('2 LLM calls');
    expect(countOf(1204, 'span')).toBe('1,204 spans');
    expect(countOf(0, 'trace')).toBe('0 traces');
  });
});
