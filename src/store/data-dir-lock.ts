import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ZantaraError } from '../errors.ts';

/**
 * An exclusive lock on a PGlite data directory. Two processes on one PGlite directory silently lose writes,
 * so the second one must fail fast with a clear message instead.
 */
export function lockDataDir(dir: string): { release(): void } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'zantara.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release); // a process that opens many stores in turn (the CLI's tests) keeps no stale listener
        try {
          rmSync(path);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new ZantaraError(
          'data_dir_locked',
          `The database directory ${dir} is in use by process ${holder}. Stop it, or point ZANTARA_DATA_DIR elsewhere, or use DATABASE_URL (PostgreSQL) for several processes.`,
          { status: 500, expose: true },
        );
      }
      if (holder === process.pid) {
        throw new ZantaraError('data_dir_locked', `The database directory ${dir} is already open in this process.`, {
          status: 500,
          expose: true,
        });
      }
      rmSync(path, { force: true }); // stale lock from a process that died
    }
  }
  throw new ZantaraError('data_dir_locked', `Could not lock ${dir}.`, { status: 500, expose: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
