import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../errors.ts';
import { openDriver } from '../open-driver.ts';
import { describeDriverConformance } from '../testing/driver-conformance.ts';
import { redact } from './server-driver.ts';

describe('server driver errors', () => {
  it('names the URL and the cause when the server is unreachable', async () => {
    const error = await openDriver({ mode: 'server', url: 'http://127.0.0.1:1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'SERVER_UNREACHABLE' });
    expect((error as Error).message).toContain('http://127.0.0.1:1');
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('never puts a password from the URL into a message', async () => {
    const error = await openDriver({ mode: 'server', url: 'http://sightline:hunter2@127.0.0.1:1' }).catch((e: unknown) => e);
    expect((error as Error).message).not.toContain('hunter2');
    expect(redact('http://u:secret@h:8123/')).toBe('http://u:***@h:8123');
  });
});

// Against a real server only when one is configured (CI's ClickHouse service); a random database per run.
const url = process.env.CLICKHOUSE_URL;
if (url !== undefined && url !== '') {
  describeDriverConformance('server', () =>
    openDriver({
      mode: 'server',
      url,
      database: `sl_conf_${randomBytes(4).toString('hex')}`,
      ...(process.env.CLICKHOUSE_USER === undefined ? {} : { user: process.env.CLICKHOUSE_USER }),
      ...(process.env.CLICKHOUSE_PASSWORD === undefined ? {} : { password: process.env.CLICKHOUSE_PASSWORD }),
    }),
  );
}
