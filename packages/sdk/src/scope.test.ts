import { describe, expect, it } from 'vitest';
import { nextAttempt, trackedCallCount } from './scope.ts';

describe('attempt numbering', () => {
  it('counts retries of one logical call under one parent, and other calls apart', () => {
    expect(nextAttempt('p1', 'k')).toBe(1);
    expect(nextAttempt('p1', 'k')).toBe(2);
    expect(nextAttempt('p2', 'k')).toBe(1);
    expect(nextAttempt('p1', 'other')).toBe(1);
    expect(nextAttempt('p1', 'k')).toBe(3);
  });

  it('stays bounded in a long-lived process and keeps counting a call retried among thousands of others', () => {
    expect(nextAttempt('loop', 'k')).toBe(1);
    for (let i = 0; i < 7_000; i++) nextAttempt(`request-${i}`, 'k');
    // Still known, though 7,000 other calls came since.
    expect(nextAttempt('loop', 'k')).toBe(2);
    for (let i = 0; i < 50_000; i++) {
      nextAttempt(`request-b-${i}`, 'k');
      expect(trackedCallCount()).toBeLessThanOrEqual(10_000);
    }
    // Long forgotten: counted afresh.
    expect(nextAttempt('loop', 'k')).toBe(1);
  });
});
