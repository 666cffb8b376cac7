import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDriver } from '../open-driver.ts';
import { LOCK_FILE_NAME, acquireDataDirLock } from './data-dir-lock.ts';

const run = promisify(execFile);
const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const child = fileURLToPath(new URL('../testing/open-embedded-child.ts', import.meta.url));
const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function openInChildProcess(dataDir: string): Promise<{ opened: boolean; code?: string; message?: string }> {
  const { stdout } = await run(process.execPath, ['--conditions=@sightline/source', '--import', 'tsx', child, dataDir], {
    cwd: repoRoot,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as { opened: boolean; code?: string; message?: string };
}

describe('embedded data directory lock', () => {
  it('refuses a second process on the same directory, naming the directory', async () => {
    const dataDir = freshDir();
    const driver = await openDriver({ mode: 'embedded', dataDir });
    try {
      expect(readFileSync(join(dataDir, LOCK_FILE_NAME), 'utf8').trim()).toBe(String(process.pid));
      const outcome = await openInChildProcess(dataDir);
      expect(outcome.opened).toBe(false);
      expect(outcome.code).toBe('DATA_DIR_LOCKED');
      expect(outcome.message).toContain(dataDir);
      expect(outcome.message).toContain(`pid ${process.pid}`);
    } finally {
      await driver.close();
    }
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    // Released on close: another process can now open it.
    expect(await openInChildProcess(dataDir)).toEqual({ opened: true });
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dataDir = freshDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dataDir, LOCK_FILE_NAME), `${dead}\n`);
    expect(await openInChildProcess(dataDir)).toEqual({ opened: true });
  });

  it('treats a fresh empty lock file as a process mid-open, and an old one as stale', async () => {
    const dataDir = freshDir();
    const lockPath = join(dataDir, LOCK_FILE_NAME);
    writeFileSync(lockPath, '');
    expect(() => acquireDataDirLock(dataDir)).toThrow(/being opened by another Sightline process/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPath, old, old);
    const release = acquireDataDirLock(dataDir);
    expect(readFileSync(lockPath, 'utf8').trim()).toBe(String(process.pid));
    release();
  });

  it('counts nested locks within one process and releases on the last', () => {
    const dataDir = freshDir();
    const first = acquireDataDirLock(dataDir);
    const second = acquireDataDirLock(dataDir);
    first();
    first(); // idempotent
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(true);
    second();
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
  });

  it('reports a data directory it cannot create', async () => {
    const file = join(freshDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(openDriver({ mode: 'embedded', dataDir: join(file, 'data') })).rejects.toMatchObject({
      code: 'DATA_DIR_UNUSABLE',
      message: expect.stringContaining(join(file, 'data')),
    });
  });
});
