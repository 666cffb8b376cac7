import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, MAX_FORGOTTEN_SECONDS, RecentSpanKeys, spanKey } from './recent-span-keys.ts';

describe('RecentSpanKeys', () => {
  it('asks about every span that may have been ingested before it was warmed', () => {
    const keys = new RecentSpanKeys({ windowMs: 60_000 }, 1_000_000);
    // Not warmed: anything that started before now plus a client clock's skew may be stored already.
    expect(keys.mayBeForgotten(1_000_000 + CLOCK_SKEW_MS - 1)).toBe(true);
    expect(keys.mayBeForgotten(1_000_000 + CLOCK_SKEW_MS)).toBe(false);
    keys.markWarm(940_000);
    expect(keys.mayBeForgotten(940_000 + CLOCK_SKEW_MS - 1)).toBe(true);
    expect(keys.mayBeForgotten(940_000 + CLOCK_SKEW_MS)).toBe(false);
  });

  it('forgets the oldest keys past maxKeys and asks only about spans that started in their seconds', () => {
    const keys = new RecentSpanKeys({ maxKeys: 3, windowMs: 3_600_000 }, 0);
    keys.markWarm(-CLOCK_SKEW_MS);
    const start = 10_000_000;
    // Five spans ingested one by one, started 1.5 s apart.
    for (let i = 1; i <= 5; i++) keys.add(`k${i}`, start + i * 10, start + i * 1500);
    expect(keys.size).toBe(3);
    expect(keys.has('k1')).toBe(false);
    expect(keys.has('k2')).toBe(false);
    expect(keys.has('k5')).toBe(true);
    // k1 started in second 10_001, k2 in 10_003: a redelivery of either starts there too.
    expect(keys.mayBeForgotten(start + 1500)).toBe(true);
    expect(keys.mayBeForgotten(start + 1999)).toBe(true);
    expect(keys.mayBeForgotten(start + 3000)).toBe(true);
    // A new span in any other second is new without a lookup, however much was forgotten.
    expect(keys.mayBeForgotten(start + 2000)).toBe(false);
    expect(keys.mayBeForgotten(start + 4500)).toBe(false);
    expect(keys.mayBeForgotten(start + 60_000)).toBe(false);
  });

  it('forgets keys older than the window, with their start seconds', () => {
    const keys = new RecentSpanKeys({ windowMs: 100 }, 0);
    keys.markWarm(-CLOCK_SKEW_MS);
    keys.add('old', 10, 5_000);
    keys.add('old-again', 10, 5_000);
    keys.add('new', 500, 7_000);
    expect(keys.has('old')).toBe(false);
    expect(keys.has('old-again')).toBe(false);
    expect(keys.has('new')).toBe(true);
    expect(keys.size).toBe(1);
    expect(keys.mayBeForgotten(5_500)).toBe(true);
    expect(keys.mayBeForgotten(7_000)).toBe(false);
  });

  it('keeps a bounded number of forgotten seconds and asks about everything older than those it dropped', () => {
    const keys = new RecentSpanKeys({ maxKeys: 1, windowMs: Number.MAX_SAFE_INTEGER }, 0);
    keys.markWarm(-CLOCK_SKEW_MS);
    // One span per second, each forgetting the one before.
    const n = MAX_FORGOTTEN_SECONDS + 2;
    for (let i = 0; i < n; i++) keys.add(`k${i}`, i, i * 1000);
    expect(keys.forgottenSeconds).toBeLessThanOrEqual(MAX_FORGOTTEN_SECONDS);
    // About the older half was dropped, once.
    expect(keys.forgottenSeconds).toBeGreaterThan(MAX_FORGOTTEN_SECONDS * 0.4);
    expect(keys.forgottenSeconds).toBeLessThan(MAX_FORGOTTEN_SECONDS * 0.6);
    // Every forgotten span is still caught: the dropped oldest seconds by the floor, the rest by second.
    for (let i = 0; i < n - 1; i += 997) expect(keys.mayBeForgotten(i * 1000)).toBe(true);
    expect(keys.mayBeForgotten((n - 2) * 1000 + 999)).toBe(true);
    // The span still remembered, and anything later, need no lookup.
    expect(keys.has(`k${n - 1}`)).toBe(true);
    expect(keys.mayBeForgotten((n - 1) * 1000)).toBe(false);
  });

  it('remembers a key once, where it was first added', () => {
    const keys = new RecentSpanKeys({ maxKeys: 2, windowMs: 3_600_000 }, 0);
    keys.markWarm(-CLOCK_SKEW_MS);
    keys.add('a', 1, 1_000);
    keys.add('b', 2, 2_000);
    keys.add('a', 3, 1_000);
    keys.add('c', 4, 3_000);
    // 'a' was the oldest and goes first, as if never added again.
    expect(keys.has('a')).toBe(false);
    expect(keys.has('b')).toBe(true);
    expect(keys.has('c')).toBe(true);
    expect(keys.mayBeForgotten(1_000)).toBe(true);
    expect(keys.mayBeForgotten(2_000)).toBe(false);
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
