import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDriver } from '@sightline/storage';
import { encodeProtobuf, exportRequest, llmSpan } from './otlp-fixtures.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'sightline.mjs');
const KEY = 'sl_crashrecoverytestkey000000000000';
const dataDir = mkdtempSync(join(tmpdir(), 'sightline-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Child {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
}

/** The real CLI in its own process, as users run it. */
async function startChild(): Promise<Child> {
  const proc = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, SIGHTLINE_BOOTSTRAP_KEY: KEY, SIGHTLINE_FAULT_INJECTION: '1', SIGHTLINE_LOG_LEVEL: 'warn', SIGHTLINE_ALERTS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${err}\n${out}`)), 90_000);
    const check = (): void => {
      const m = /running at (http:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stderr?.on('data', check);
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${err}\n${out}`)));
  });
  return { proc, url, stderr: () => `${err}\n${out}` };
}

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

describe('kill -9 during ingest', () => {
  it('loses nothing acknowledged, duplicates nothing, and restarts cleanly on a torn spool segment', async () => {
    const first = await startChild();
    const acked = new Set<string>();
    let stop = false;
    const sender = async (): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const spans = Array.from({ length: 100 }, (_, i) => llmSpan(n * 100 + i));
        try {
          const res = await fetch(`${first.url}/v1/traces`, {
            method: 'POST',
            body: encodeProtobuf(exportRequest(spans)),
            headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${KEY}` },
          });
          if (res.status === 200) for (const s of spans) acked.add(s.spanId);
        } catch {
          return; // the server died under this request: not acknowledged
        }
      }
    };
    const senders = [sender(), sender(), sender()];
    await new Promise((r) => setTimeout(r, 1500));
    // Half the run with ClickHouse "down": those acknowledgements exist only in the spool.
    await fetch(`${first.url}/ops/fault/storage`, { method: 'POST', body: '{"paused":true}', headers: { 'content-type': 'application/json' } });
    await new Promise((r) => setTimeout(r, 1500));
    first.proc.kill('SIGKILL');
    await exited(first.proc);
    stop = true;
    await Promise.all(senders);
    expect(acked.size).toBeGreaterThan(500);

    // What a crash in the middle of an append leaves: a record header with part of its payload.
    const segDir = join(dataDir, 'spool', 'segments');
    const last = readdirSync(segDir).sort().at(-1)!;
    const header = Buffer.alloc(8);
    header.writeUInt32LE(4096, 0);
    appendFileSync(join(segDir, last), Buffer.concat([header, Buffer.alloc(100, 7)]));

    const second = await startChild();
    const drained = async () => /^sightline_spool_bytes 0$/m.test(await (await fetch(`${second.url}/metrics`)).text());
    const deadline = Date.now() + 60_000;
    while (!(await drained())) {
      if (Date.now() > deadline) throw new Error(`spool never drained:\n${second.stderr()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(second.stderr()).toMatch(/spool\.torn_tail_truncated/);
    second.proc.kill('SIGTERM');
    await exited(second.proc);

    const driver = await openDriver({ mode: 'embedded', dataDir: join(dataDir, 'clickhouse') });
    try {
      const ids = [...acked];
      const [found] = await driver.query<{ n: number }>('SELECT count() AS n FROM spans WHERE SpanId IN {ids:Array(String)}', { ids });
      expect(Number(found?.n)).toBe(ids.length);
      const [dup] = await driver.query<{ n: number; u: number }>('SELECT count() AS n, uniqExact(ProjectId, TraceId, SpanId) AS u FROM spans');
      expect(Number(dup?.n)).toBe(Number(dup?.u));
    } finally {
      await driver.close();
    }
  }, 240_000);
});
