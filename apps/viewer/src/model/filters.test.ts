import { describe, expect, it } from 'vitest';
import { activeFilterCount, explorerHref, readExplorerState, timeBounds, toLocalInput, traceListQuery } from './filters.ts';

describe('explorer filters in the URL', () => {
  it('reads every filter and turns it into the API query', () => {
    const params = new URLSearchParams(
      'model=gpt-4o&service=checkout&status=error&failureClass=rate_limit&minCostUsd=0.5&q=refund&attr=tenant%3Dacme&attr=tier%3Dgold&range=1h&sort=costUsd&order=asc',
    );
    const state = readExplorerState(params);
    expect(activeFilterCount(state)).toBe(8);
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(traceListQuery(state, now)).toEqual({
      model: 'gpt-4o',
      service: 'checkout',
      status: 'error',
      failureClass: 'rate_limit',
      minCostUsd: '0.5',
      q: 'refund',
      attr: ['tenant=acme', 'tier=gold'],
      from: '2026-01-01T11:00:00.000Z',
      to: '2026-01-01T12:00:00.000Z',
      sort: 'costUsd',
      order: 'asc',
    });
  });

  it('defaults to the last 24 h, newest first, and ignores an unknown sort', () => {
    const state = readExplorerState(new URLSearchParams('sort=password'));
    expect(state).toMatchObject({ range: '24h', sort: 'startTime', order: 'desc' });
    expect(activeFilterCount(state)).toBe(0);
  });

  it('treats from/to as a custom range and "all" as unbounded', () => {
    const custom = readExplorerState(new URLSearchParams('from=2026-01-01T10:00:00Z&to=2026-01-01T11:00:00Z'));
    expect(custom.range).toBe('custom');
    expect(timeBounds(custom, 0)).toEqual({ from: '2026-01-01T10:00:00.000Z', to: '2026-01-01T11:00:00.000Z' });
    expect(timeBounds(readExplorerState(new URLSearchParams('range=all')), 0)).toEqual({});
  });

  it('drops blank text filters instead of sending empty strings', () => {
    const state = readExplorerState(new URLSearchParams('model=%20%20&userId=u1'));
    const q = traceListQuery(state, 0);
    expect(q).not.toHaveProperty('model');
    expect(q['userId']).toBe('u1');
  });

  it('links a dashboard breakdown to the filtered explorer', () => {
    expect(explorerHref('userId', 'alice', { from: '2026-01-01T00:00:00.000Z' })).toBe('/traces?userId=alice&from=2026-01-01T00%3A00%3A00.000Z');
    expect(explorerHref('promptVersion', 'support@reply@v2', {})).toBe('/traces?promptName=support%40reply&promptVersion=v2');
    expect(explorerHref('promptVersion', 'v2', {})).toBeNull();
    expect(explorerHref('service', '(none)', {})).toBeNull();
  });

  it('shows absolute bounds in datetime-local inputs', () => {
    const local = toLocalInput('2026-03-04T05:06:00.000Z');
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(new Date(local).toISOString()).toBe('2026-03-04T05:06:00.000Z');
    expect(toLocalInput('nonsense')).toBe('');
  });
});
