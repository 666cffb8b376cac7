import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeConfigFromEnv } from './config.ts';

describe('storeConfigFromEnv', () => {
  it('defaults to embedded mode under ~/.sightline/data with 30-day retention', () => {
    expect(storeConfigFromEnv({})).toEqual({ mode: 'embedded', dataDir: join(homedir(), '.sightline', 'data'), retentionDays: 30 });
    expect(storeConfigFromEnv({ SIGHTLINE_DATA_DIR: '/srv/sl', SIGHTLINE_RETENTION_DAYS: '0' })).toEqual({
      mode: 'embedded',
      dataDir: '/srv/sl',
      retentionDays: 0,
    });
  });

  it('switches to server mode iff CLICKHOUSE_URL is set', () => {
    expect(
      storeConfigFromEnv({
        CLICKHOUSE_URL: 'https://ch.internal:8443',
        CLICKHOUSE_USER: 'sightline',
        CLICKHOUSE_PASSWORD: 's3cret',
        CLICKHOUSE_DATABASE: 'observability',
        CLICKHOUSE_CLUSTER: 'prod',
        SIGHTLINE_RETENTION_DAYS: '90',
        SIGHTLINE_DATA_DIR: '/ignored',
      }),
    ).toEqual({
      mode: 'server',
      url: 'https://ch.internal:8443',
      user: 'sightline',
      password: 's3cret',
      database: 'observability',
      cluster: 'prod',
      retentionDays: 90,
    });
    expect(storeConfigFromEnv({ CLICKHOUSE_URL: '  ' }).mode).toBe('embedded');
  });

  it('names the bad key and value', () => {
    expect(() => storeConfigFromEnv({ SIGHTLINE_RETENTION_DAYS: 'ten' })).toThrow(/SIGHTLINE_RETENTION_DAYS.*"ten"/);
    expect(() => storeConfigFromEnv({ SIGHTLINE_RETENTION_DAYS: '1.5' })).toThrow(/SIGHTLINE_RETENTION_DAYS/);
    expect(() => storeConfigFromEnv({ CLICKHOUSE_URL: 'not a url' })).toThrow(/CLICKHOUSE_URL/);
    expect(() => storeConfigFromEnv({ CLICKHOUSE_DATABASE: 'a-b' })).toThrow(/CLICKHOUSE_DATABASE/);
  });
});
