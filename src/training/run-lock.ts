// One writer per run folder: `run.lock` holds the owner's pid, host and process start time, and is
// created atomically (written in full under a temporary name, then hard-linked into place, which fails
// when a lock exists). A lock whose process is gone from this host is taken over, with a message.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Name of the lock file inside a run folder. */
export const LOCK_FILE = 'run.lock';

/** What run.lock records about its owner. */
export interface LockOwner {
  pid: number;
  host: string;
  /** The owner's start time in clock ticks since boot (Linux /proc), so a reused pid is not taken for the owner. */
  processStart: number | null;
  /** What the owner is doing, e.g. "ganvae train gan". */
  command: string;
  since: string;
}

/** A run folder held by another live process; the message says who holds it. */
export class RunLockedError extends Error {
  constructor(message: string, readonly owner: LockOwner) {
    super(message);
    this.name = 'RunLockedError';
  }
}

/** A held lock; `release` removes run.lock if it is still this process's. */
export interface RunLock {
  path: string;
  release(): void;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks), or null off Linux or for a process that is gone. */
function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields after it follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}

/** Whether `owner` (a lock on this host) is still running: the pid exists and, where known, started when the lock says. */
function ownerAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStartTime(owner.pid);
  return owner.processStart === null || start === null || start === owner.processStart;
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null;
  }
}

function describe(owner: LockOwner): string {
  return `process ${owner.pid} on ${owner.host} (${owner.command}, since ${owner.since})`;
}

/** Throws RunLockedError when a live process (or one on another host) holds the lock of `dir`; otherwise returns. */
export function checkRunNotLocked(dir: string): void {
  const path = join(dir, LOCK_FILE);
  const owner = readOwner(path);
  if (owner) lockedError(dir, path, owner, hostname());
}

/** Throws the RunLockedError for `owner` unless it is a process of `host` that has ended. */
function lockedError(dir: string, path: string, owner: LockOwner, host: string): void {
  if (owner.host !== host) {
    throw new RunLockedError(`${dir} is in use by ${describe(owner)}; wait for it to finish, or, if that process is ` +
      `no longer running, remove ${path}`, owner);
  }
  if (ownerAlive(owner)) {
    throw new RunLockedError(`${dir} is in use by ${describe(owner)}; wait for it to finish or stop it ` +
      `(kill ${owner.pid}), or choose another --out`, owner);
  }
}

/**
 * Takes the lock of the run folder `dir` (which must exist) for `command`. Throws RunLockedError when
 * a live process holds it, or one on another host (whose liveness cannot be checked here); a dead
 * owner's lock (or an unreadable one) is taken over and reported through `log`.
 */
export function acquireRunLock(dir: string, command: string, log: (message: string) => void = () => {}): RunLock {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), processStart: processStartTime(process.pid), command, since: new Date().toISOString() };
  const temp = join(dir, `.${LOCK_FILE}.${process.pid}`);
  writeFileSync(temp, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      const owner = readOwner(path);
      if (owner) lockedError(dir, path, owner, me.host);
      // Moved aside rather than deleted, so that of two processes taking over one stale lock only one
      // succeeds (the other's rename finds nothing), and a lock renewed meanwhile is put back.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      const moved = readOwner(aside);
      if (moved && owner && (moved.pid !== owner.pid || moved.since !== owner.since)) {
        renameSync(aside, path);
        continue;
      }
      rmSync(aside, { force: true });
      log(owner ? `taking over ${path}: its owner, ${describe(owner)}, is no longer running`
        : `taking over ${path}: it was unreadable (left by a process killed while taking it)`);
    }
  } finally {
    rmSync(temp, { force: true });
  }
  return {
    path,
    release() {
      const owner = readOwner(path);
      if (owner && owner.pid === me.pid && owner.since === me.since && owner.host === me.host) rmSync(path, { force: true });
    },
  };
}
