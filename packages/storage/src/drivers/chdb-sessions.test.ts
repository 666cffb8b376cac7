import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.ts';
import { migrate } from '../migrate.ts';
import { openDriver } from '../open-driver.ts';
import { makeSpanRow } from '../queries/span-row-fixture.ts';
import { SPAN_INSERT_COLUMNS, encodeSpan, joinLines } from '../spans/encoded-span.ts';
import { InsertFiles } from './insert-files.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-sessions-'));
const database = `sl_sessions_${process.pid}`;
const ownStagingDirs = (): string[] => stagingBases().flatMap((base) => readdirSync(base).filter((name) => name.startsWith(`sightline-insert-${process.pid}-`)).map((name) => join(base, name)));
let before: string[];
let driver: Driver;
beforeAll(async () => {
  before = ownStagingDirs();
  driver = await openDriver({ mode: 'embedded', dataDir, database });
  await migrate(driver);
});
afterAll(async () => {
  await driver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const count = async (project: string) =>
  Number((await driver.query<{ n: number }>('SELECT count() AS n FROM spans WHERE ProjectId = {p:String}', { p: project }))[0]?.n);
const lines = (project: string, n: number) =>
  joinLines(Array.from({ length: n }, (_, i) => encodeSpan(makeSpanRow({ ProjectId: project, TraceId: 'b'.repeat(32), SpanId: `${i}`.padStart(16, '0'), InputContent: `it's a \\ "quote"\ttab\nline ${i}` }))));

describe('chDB session pool', () => {
  it('runs a query while two other statements (the spool writer\'s two inserts) are still running', async () => {
    const finished: string[] = [];
    const slow = [1, 2].map((n) => driver.command('SELECT sleep(1.5)').then(() => finished.push(`slow${n}`)));
    const fast = driver.query<{ n: number; db: string }>('SELECT toUInt64({n:UInt64}) AS n, currentDatabase() AS db', { n: 5 }).then((rows) => {
      finished.push('fast');
      return rows;
    });
    const [rows] = await Promise.all([fast, ...slow]);
    expect(finished[0]).toBe('fast');
    // The third session got the same state: our database, and 64-bit integers as JSON numbers.
    expect(rows).toEqual([{ n: 5, db: database }]);
  });

  it('inserts span lines through a staging file that is gone once the insert settles', async () => {
    const [staging] = ownStagingDirs().filter((dir) => !before.includes(dir));
    expect(staging).toBeDefined();
    await driver.insertLines('spans', SPAN_INSERT_COLUMNS, lines('sessions-file', 30));
    expect(await count('sessions-file')).toBe(30);
    const rows = await driver.query<{ c: string }>("SELECT InputContent AS c FROM spans WHERE ProjectId = 'sessions-file' AND SpanId = {s:String}", { s: '7'.padStart(16, '0') });
    expect(rows).toEqual([{ c: `it's a \\ "quote"\ttab\nline 7` }]);
    expect(readdirSync(staging as string)).toEqual([]);
  });

  it('inserts from memory when the staging file cannot be written, losing nothing', async () => {
    const [staging] = ownStagingDirs().filter((dir) => !before.includes(dir));
    // Even as root (CI), a file cannot be created in a directory that no longer exists.
    rmSync(staging as string, { recursive: true, force: true });
    await driver.insertLines('spans', SPAN_INSERT_COLUMNS, lines('sessions-memory', 12));
    expect(await count('sessions-memory')).toBe(12);
    // The directory is made again for the blocks after, which are staged and removed as before.
    expect(readdirSync(staging as string)).toEqual([]);
    await driver.insertLines('spans', SPAN_INSERT_COLUMNS, lines('sessions-again', 5));
    expect(await count('sessions-again')).toBe(5);
  });

  it('still names the engine exception, and only it, when a staged insert is refused', async () => {
    const bad = Buffer.from('not\ta\tspan\tline with prompt text\n');
    const failure = await driver.insertLines('spans', SPAN_INSERT_COLUMNS, bad).then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(failure?.code).toBe('INSERT_FAILED');
    expect(failure?.message).toMatch(/^insert into spans failed \([A-Z_]+\)$/);
  });
});

describe('insert staging files', () => {
  it('removes the directories of processes that are gone, and keeps those of live ones', () => {
    const base = stagingBases()[0] as string;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const deadDir = join(base, `sightline-insert-${dead}-test`);
    const liveDir = join(base, `sightline-insert-${process.ppid}-test`);
    for (const dir of [deadDir, liveDir]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, '1.tsv'), 'prompt text');
    }
    const files = InsertFiles.open();
    try {
      expect(existsSync(deadDir)).toBe(false);
      expect(existsSync(liveDir)).toBe(true);
    } finally {
      files?.close();
      rmSync(liveDir, { recursive: true, force: true });
    }
  });

  it('removes its file when the insert fails, and its directory on close', async () => {
    const files = InsertFiles.open();
    expect(files).toBeDefined();
    const staging = files as InsertFiles;
    await expect(staging.with(Buffer.from('x'), () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(readdirSync(staging.dir)).toEqual([]);
    staging.close();
    expect(existsSync(staging.dir)).toBe(false);
    expect(await staging.with(Buffer.from('x'), () => Promise.resolve(1))).toBeUndefined();
  });
});

function stagingBases(): string[] {
  return [...(existsSync('/dev/shm') ? ['/dev/shm'] : []), tmpdir()];
}
