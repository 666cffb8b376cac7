import { describe, expect, it } from 'vitest';
import { RecentSpanKeys, spanKey } from './recent-span-keys.ts';

describe('RecentSpanKeys', () => {
  it('is complete only from the time it was warmed from', () => {
    const keys = new RecentSpanKeys({ windowMs: 60_000 }, 1_000_000);
    expect(keys.horizonMs).toBe(1_000_000);
    keys.markWarm(940_000);
    expect(keys.horizonMs).toBe(940_000);
  });

  it('forgets the oldest keys past maxKeys and moves the horizon past them', () => {
    const keys = new RecentSpanKeys({ maxKeys: 3, windowMs: 3_600_000 }, 0);
    keys.markWarm(0);
    for (let i = 1; i <= 5; i++) keys.add(`k${i}`, i * 10);
    expect(keys.size).toBe(3);
    expect(keys.has('k1')).toBe(false);
    expect(keys.has('k2')).toBe(false);
    expect(keys.has('k5')).toBe(true);
    expect(keys.horizonMs).toBe(21);
    // A later warm-up cannot pull the horizon back before what was forgotten.
    keys.markWarm(0);
    expect(keys.horizonMs).toBe(21);
  });

  it('forgets keys older than the window', () => {
    const keys = new RecentSpanKeys({ windowMs: 100 }, 0);
    keys.markWarm(0);
    keys.add('old', 10);
    keys.add('new', 500);
    expect(keys.has('old')).toBe(false);
    expect(keys.horizonMs).toBe(11);
  });

  it('keys differ whenever any part of the identity differs', () => {
    const base = spanKey('p', 'a'.repeat(32), 'b'.repeat(16));
    expect(spanKey('p', 'a'.repeat(32), 'b'.repeat(16))).toBe(base);
    expect(spanKey('q', 'a'.repeat(32), 'b'.repeat(16))).not.toBe(base);
    expect(spanKey('p', 'a'.repeat(31) + 'c', 'b'.repeat(16))).not.toBe(base);
    // No ambiguity from concatenation.
    expect(spanKey('pa', 'a'.repeat(31), 'b'.repeat(16))).not.toBe(spanKey('p', 'a'.repeat(32), 'b'.repeat(16)));
  });
});
