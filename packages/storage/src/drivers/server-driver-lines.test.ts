import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { migrate } from '../migrate.ts';
import { makeSpanRow } from '../queries/span-row-fixture.ts';
import { insertSpans } from '../spans/insert-spans.ts';
import { SPAN_ROW_SELECT, fromSpanSelectRow } from '../spans/span-insert-row.ts';
import { serverDriverOverClient } from './server-driver.ts';

// The server driver's own code over the real engine: @clickhouse/client talking to chDB through
// chdb/connection instead of HTTP, so its TabSeparated span inserts run on every test run.
const dataDir = mkdtempSync(join(tmpdir(), 'sightline-server-lines-'));
let driver: Driver;
beforeAll(async () => {
  // chdb builds its Connection type against @clickhouse/client-common 1.23.0, the client against its own copy.
  const connection = createChdbConnection({ path: dataDir }) as unknown as NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;
  const client = createClient({ connection });
  await client.command({ query: 'CREATE DATABASE IF NOT EXISTS sightline' });
  await client.command({ query: 'USE sightline' });
  driver = serverDriverOverClient(client, 'sightline', 'chdb://test');
  await migrate(driver);
});
afterAll(async () => {
  await driver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('server driver span inserts', () => {
  it('sends the TabSeparated lines as they are and stores every field', async () => {
    const tricky = 'tab\there, newline\nthere, quote \' and "double", backslash \\ and \\N, emoji 🧪';
    const rows = [0, 1, 2].map((i) =>
      makeSpanRow({
        ProjectId: 'p_server',
        TraceId: 'f'.repeat(32),
        SpanId: `${i}`.padStart(16, '0'),
        InputContent: `${tricky} ${i}`,
        SpanAttributes: { 'gen_ai.request.model': 'gpt-4o', [`k'${i}`]: tricky },
        Events: [{ Timestamp: '1700000000000000123', Name: 'gen_ai.choice', Attributes: { index: `${i}` } }],
        TtftMs: i === 0 ? null : 12.5,
        Diagnostics: [tricky],
      }),
    );
    expect(await insertSpans(driver, rows)).toEqual({ inserted: 3, duplicates: 0 });
    const stored = (
      await driver.query(`SELECT ${SPAN_ROW_SELECT} FROM spans FINAL WHERE ProjectId = {p:String} ORDER BY SpanId`, { p: 'p_server' })
    ).map(fromSpanSelectRow);
    expect(stored.map((r) => [r.SpanId, r.InputContent, r.SpanAttributes, r.Events, r.TtftMs, r.Diagnostics])).toEqual(
      rows.map((r) => [r.SpanId, r.InputContent, r.SpanAttributes, r.Events, r.TtftMs, r.Diagnostics]),
    );
  });
});
