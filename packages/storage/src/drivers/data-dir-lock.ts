import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StorageError, describeCause } from '../errors.ts';

export const LOCK_FILE_NAME = 'sightline.lock';

/** Locks this process holds, counted, so opening the same directory twice in one process is fine. */
const held = new Map<string, number>();

/**
 * Takes the exclusive lock on a chDB data directory: a lock file created with O_EXCL holding our pid.
 * chDB gives a second process on the same directory no clear error (and risks the parts on disk), so
 * we refuse first, naming the directory and the holder. A lock whose pid is no longer alive is stale
 * (a crash or kill -9) and is taken over.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new StorageError('DATA_DIR_UNUSABLE', `cannot create the data directory ${dir}: ${describeCause(cause)}`, { cause });
  }
  const lockPath = join(dir, LOCK_FILE_NAME);
  const count = held.get(lockPath);
  if (count !== undefined) {
    held.set(lockPath, count + 1);
    return releaser(lockPath);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.set(lockPath, 1);
      return releaser(lockPath);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StorageError('DATA_DIR_UNUSABLE', `cannot lock the data directory ${dir}: ${describeCause(cause)}`, { cause });
      }
    }
    const holder = readHolderPid(lockPath);
    if (holder === undefined && ageMs(lockPath) < 5_000) {
      // Another process has just created the file and is about to write its pid.
      throw new StorageError('DATA_DIR_LOCKED', `the data directory ${dir} is being opened by another Sightline process`);
    }
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
      throw new StorageError(
        'DATA_DIR_LOCKED',
        `the data directory ${dir} is in use by another Sightline process (pid ${holder}); ` +
          'stop it, or point SIGHTLINE_DATA_DIR at another directory',
      );
    }
    // Stale (dead pid, or an empty file left by a crash between create and write): take it over.
    rmSync(lockPath, { force: true });
  }
  throw new StorageError('DATA_DIR_LOCKED', `could not take the lock on the data directory ${dir} (lock file ${lockPath} keeps reappearing)`);
}

function releaser(lockPath: string): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const count = held.get(lockPath) ?? 0;
    if (count > 1) {
      held.set(lockPath, count - 1);
      return;
    }
    held.delete(lockPath);
    if (readHolderPid(lockPath) === process.pid) rmSync(lockPath, { force: true });
  };
}

function readHolderPid(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StorageError('DATA_DIR_UNUSABLE', `cannot read the lock file ${lockPath}: ${describeCause(cause)}`, { cause });
  }
}

/** Whether a process with this pid exists (another user's counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageMs(lockPath: string): number {
  try {
    return Date.now() - statSync(lockPath).mtimeMs;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return Number.POSITIVE_INFINITY;
    throw new StorageError('DATA_DIR_UNUSABLE', `cannot read the lock file ${lockPath}: ${describeCause(cause)}`, { cause });
  }
}
