import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDriver } from '@sightline/storage';
import { KeyStore } from '../auth/key-store.ts';
import { runCli } from '../cli.ts';
import type { CliIo } from './command.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-keys-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function io(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l) };
}

describe('sightline keys with no server running', () => {
  it('opens the store itself: create, list (prefix only), revoke', async () => {
    const port = String(await freePort()); // nothing listens there, so the CLI goes direct
    const created = io();
    expect(await runCli(['keys', 'create', '--name', 'offline', '--data-dir', dataDir, '--port', port], undefined, created)).toBe(0);
    const key = created.out_.join('').trim();
    expect(key).toMatch(/^sl_[0-9A-Za-z]{32}$/);

    const listed = io();
    expect(await runCli(['keys', 'list', '--data-dir', dataDir, '--port', port], undefined, listed)).toBe(0);
    // Only the key just created: going direct never mints a key nobody was shown.
    expect(listed.out_.filter((l) => l.startsWith('key_'))).toHaveLength(1);
    const row = listed.out_.find((l) => l.includes(' offline '));
    expect(row).toBeDefined();
    expect(listed.out_.join('\n')).not.toContain(key);
    expect(row).toContain(key.slice(0, 9));

    const id = row!.split(/\s+/)[0]!;
    const revoked = io();
    expect(await runCli(['keys', 'revoke', id, '--data-dir', dataDir, '--port', port], undefined, revoked)).toBe(0);
    const after = io();
    await runCli(['keys', 'list', '--data-dir', dataDir, '--port', port], undefined, after);
    expect(after.out_.find((l) => l.startsWith(id))).not.toMatch(/ -$/);
  });

  it('bootstrap mints a default key only while the default project has no usable one', async () => {
    // Continues from the test above: its only key is revoked now.
    const driver = await openDriver({ mode: 'embedded', dataDir: join(dataDir, 'clickhouse') });
    try {
      await migrate(driver);
      const keys = new KeyStore(driver, 'sightline-api-key-v1');
      const first = await keys.bootstrap(undefined);
      expect(first.key).toMatch(/^sl_/);
      expect(await keys.resolve(first.key!)).toBe('default');
      expect((await keys.bootstrap(undefined)).key).toBeNull();
      // An operator-chosen key is registered once and never echoed.
      const chosen = 'sl_operatorchosenkey0000000000000000';
      expect((await keys.bootstrap(chosen)).key).toBeNull();
      expect(await keys.resolve(chosen)).toBe('default');
    } finally {
      await driver.close();
    }
  });
});

describe('sightline start with a bad prices file', () => {
  it('exits 2 naming the bad key, before listening', async () => {
    const file = join(dataDir, 'prices.json');
    writeFileSync(file, JSON.stringify({ overrides: [{ provider: 'openai', model: 'gpt-x', effectiveFrom: 'yesterday', rates: { input: -1 } }] }));
    process.env.SIGHTLINE_PRICES_FILE = file;
    try {
      const out = io();
      expect(await runCli(['start', '--data-dir', dataDir, '--port', String(await freePort())], undefined, out)).toBe(2);
      expect(out.err_.join('\n')).toMatch(/invalid configuration[\s\S]*prices\.json/);
    } finally {
      delete process.env.SIGHTLINE_PRICES_FILE;
    }
  });
});
