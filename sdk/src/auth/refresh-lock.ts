import type { AuthStorage } from './storage';

/** Runs `fn` while no other holder (another tab, another client on the same storage) runs it. */
export interface RefreshLock {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The Web Locks API: exact, and released by the browser when a tab dies. */
export function webLock(locks: LockManagerLike, name: string): RefreshLock {
  return { run: (fn) => locks.request(name, fn) };
}

/** Nothing else shares the session (memory storage): the in-process single flight is enough. */
export const noLock: RefreshLock = { run: (fn) => fn() };

const LOCK_TTL_MS = 10_000;
const SETTLE_MS = 25;
const POLL_MS = 50;

/**
 * A lock kept in the auth storage itself, for storages shared between contexts without Web Locks
 * (older browsers' localStorage). Write-then-read-back: after a short pause, whoever's mark is still
 * there owns the lock. A mark older than LOCK_TTL_MS belongs to a context that died and is taken over.
 */
export function storageLock(storage: AuthStorage, key: string): RefreshLock {
  const owner = Math.random().toString(36).slice(2) + Date.now().toString(36);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function acquire(): Promise<void> {
    const deadline = Date.now() + LOCK_TTL_MS * 2;
    while (Date.now() < deadline) {
      const held = parse(await storage.getItem(key));
      if (!held || held.until < Date.now()) {
        await storage.setItem(key, JSON.stringify({ owner, until: Date.now() + LOCK_TTL_MS }));
        await sleep(SETTLE_MS);
        if (parse(await storage.getItem(key))?.owner === owner) return;
      }
      await sleep(POLL_MS);
    }
    // A holder that never lets go: proceed anyway; the server answers two refreshes of one token alike.
  }
  async function release(): Promise<void> {
    if (parse(await storage.getItem(key))?.owner === owner) await storage.removeItem(key);
  }
  return {
    async run(fn) {
      await acquire();
      try {
        return await fn();
      } finally {
        await release();
      }
    },
  };
}

function parse(text: string | null): { owner: string; until: number } | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as { owner?: unknown; until?: unknown };
    return typeof v.owner === 'string' && typeof v.until === 'number' ? { owner: v.owner, until: v.until } : null;
  } catch {
    return null;
  }
}
