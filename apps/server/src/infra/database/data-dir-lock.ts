import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PGlite files must have one owner: a second process on the same data dir would corrupt them. */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): DataDirLock {
    const file = join(dir, 'basalt.pid');
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
    } catch {
      const owner = Number(readFileSync(file, 'utf8'));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new DataDirInUseError(dir, owner);
      }
      writeFileSync(file, String(process.pid));
    }
    return new DataDirLock(file);
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}

export class DataDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(`BASALT_DATA_DIR: ${dir} is in use by process ${pid}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
