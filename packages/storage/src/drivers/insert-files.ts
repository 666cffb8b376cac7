import { mkdtempSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './data-dir-lock.ts';

const PREFIX = 'sightline-insert-';

/**
 * A private directory where the chDB driver stages insert payloads as files for the engine to read
 * (`INSERT … FROM INFILE`). chDB's in-memory insert path spends ~12 µs per 4.4 KB row just taking the
 * bytes in (measured against the same payload read from a file: ~15 vs ~2–3 µs per row into a Null
 * table), so for span batches writing the file and letting the engine read it is the cheaper way.
 *
 * The directory is RAM-backed `/dev/shm` when there is one with room (a file write is then a memory
 * copy), else the OS temp dir; it is created 0700 and its files 0600, since they hold prompt text.
 * Each file lives only for its insert, the directory only as long as the driver. Directories of
 * processes that died (kill -9) are removed when the next driver opens.
 */
export class InsertFiles {
  #seq = 0;
  #closed = false;

  private constructor(readonly dir: string) {}

  /** Undefined when no staging directory can be made: the caller inserts from memory instead. */
  static open(): InsertFiles | undefined {
    for (const base of ['/dev/shm', tmpdir()]) sweepStale(base);
    for (const base of stagingBases()) {
      try {
        return new InsertFiles(mkdtempSync(join(base, `${PREFIX}${process.pid}-`)));
      } catch {
        // Not writable (a read-only /dev/shm, say): try the next base.
      }
    }
    return undefined;
  }

  /**
   * Writes `payload` to a new file and runs `use(path)`; the file is removed once `use` settles.
   * Resolves to `undefined` without calling `use` when the file cannot be written (a full tmpfs,
   * a closed driver): the caller then takes its fallback, and no half-written file is ever read.
   */
  async with<T>(payload: Buffer, use: (path: string) => Promise<T>): Promise<{ result: T } | undefined> {
    if (this.#closed) return undefined;
    const path = join(this.dir, `${++this.#seq}.tsv`);
    try {
      await writeFile(path, payload, { mode: 0o600 });
    } catch (err) {
      await rm(path, { force: true }).catch(() => undefined);
      // The directory was removed under us (a cleaner of /dev/shm or /tmp): make it again for the
      // next block; this one goes the fallback way.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !this.#closed) await mkdir(this.dir, { mode: 0o700 }).catch(() => undefined);
      return undefined;
    }
    try {
      return { result: await use(path) };
    } finally {
      await rm(path, { force: true }).catch(() => undefined);
    }
  }

  /** Best effort: closing the driver must not fail over a staging directory someone else removed. */
  close(): void {
    this.#closed = true;
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // Left for the next driver's sweep.
    }
  }
}

/** Free space /dev/shm must have to be used: two 10k-span blocks in flight take ~90 MB. */
const MIN_SHM_FREE_BYTES = 512 * 1024 * 1024;

function stagingBases(): string[] {
  const bases: string[] = [];
  try {
    // A container's /dev/shm is often 64 MB: too small, and filling it would hurt its other users.
    const fs = statfsSync('/dev/shm');
    if (statSync('/dev/shm').isDirectory() && fs.bavail * fs.bsize >= MIN_SHM_FREE_BYTES) bases.push('/dev/shm');
  } catch {
    // No /dev/shm (macOS): the temp dir only.
  }
  bases.push(tmpdir());
  return bases;
}

/** Removes staging directories whose process is gone; a live process's directory is left alone. */
function sweepStale(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return; // no such directory here
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    try {
      rmSync(join(base, name), { recursive: true, force: true });
    } catch {
      // Another user's directory: not ours to remove.
    }
  }
}
