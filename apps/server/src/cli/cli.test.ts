import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import { loadServerConfig } from '../config.ts';
import { redactUrl } from '../main.ts';
import { encodeProtobuf, exportRequest, llmSpan } from '../ingest/otlp-fixtures.ts';
import { startTestServer, type TestServer } from '../ingest/test-support.ts';
import type { CliIo } from './command.ts';

function captureIo(): CliIo & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

describe('sightline CLI: flags and configuration', () => {
  it('exits 2 naming an unknown flag', async () => {
    const io = captureIo();
    expect(await runCli(['start', '--bogus', '--port', '1'], undefined, io)).toBe(2);
    expect(io.errText()).toMatch(/unknown flag --bogus/);
  });

  it('names every bad key, whether it came from a flag or the environment', () => {
    const result = loadServerConfig({ SIGHTLINE_LOG_LEVEL: 'loud', SIGHTLINE_SPOOL_HIGH_WATER_MB: '-3' }, { port: '70000' });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message).toMatch(/--port/);
    expect(message).toMatch(/SIGHTLINE_LOG_LEVEL/);
    expect(message).toMatch(/SIGHTLINE_SPOOL_HIGH_WATER_MB/);
  });

  it('takes the spool writer block size from the environment, within its bounds', () => {
    const good = loadServerConfig({ SIGHTLINE_INSERT_BATCH_ROWS: '50000' }, {});
    expect(good.ok && good.config.insertBatchRows).toBe(50_000);
    const bad = loadServerConfig({ SIGHTLINE_INSERT_BATCH_ROWS: '5000000' }, {});
    expect(bad.ok ? '' : bad.message).toMatch(/SIGHTLINE_INSERT_BATCH_ROWS/);
  });

  it('never prints ClickHouse credentials', () => {
    expect(redactUrl('https://admin:s3cret@ch.example:8443/?db=x')).toBe('https://ch.example:8443/?db=x');
  });

  it('exits 2 on bad configuration before touching storage', async () => {
    const io = captureIo();
    expect(await runCli(['start', '--port', 'not-a-port'], undefined, io)).toBe(2);
    expect(io.errText()).toMatch(/invalid configuration[\s\S]*--port/);
  });

  it('prints help for every command and exits 2 on an unknown command', async () => {
    for (const cmd of [['start'], ['migrate'], ['keys', 'create'], ['keys', 'list'], ['keys', 'revoke']]) {
      const io = captureIo();
      expect(await runCli([...cmd, '--help'], undefined, io)).toBe(0);
      expect(io.outText()).toMatch(/Usage: sightline/);
    }
    const io = captureIo();
    expect(await runCli(['frobnicate'], undefined, io)).toBe(2);
    expect(io.errText()).toMatch(/unknown command "frobnicate"/);
  });
});

describe('sightline keys against a running server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates a working key, lists it, and revokes it through the server API', async () => {
    const port = String(server.port);
    const created = captureIo();
    expect(await runCli(['keys', 'create', '--name', 'ci', '--port', port], undefined, created)).toBe(0);
    const key = created.outText().trim();
    expect(key).toMatch(/^sl_[0-9A-Za-z]{32}$/);
    const ingest = () =>
      fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        body: encodeProtobuf(exportRequest([llmSpan(1)])),
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${key}` },
      });
    expect((await ingest()).status).toBe(200);

    const listed = captureIo();
    expect(await runCli(['keys', 'list', '--port', port], undefined, listed)).toBe(0);
    const line = listed.outText().split('\n').find((l) => l.includes(' ci '));
    expect(line).toBeDefined();
    expect(listed.outText()).not.toContain(key); // only the prefix is ever shown again
    const id = line!.split(/\s+/)[0]!;

    const revoked = captureIo();
    expect(await runCli(['keys', 'revoke', id, '--port', port], undefined, revoked)).toBe(0);
    expect((await ingest()).status).toBe(401);
    const again = captureIo();
    expect(await runCli(['keys', 'revoke', 'key_doesnotexist', '--port', port], undefined, again)).toBe(1);
  });
});
