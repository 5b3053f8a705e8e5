/**
 * Where the SDK keeps the session between runs. Methods may be sync (localStorage) or async
 * (React Native's AsyncStorage); the SDK always awaits them.
 */
export interface AuthStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** The default: the session lives as long as the client object (Node scripts, tests). */
export function memoryStorage(): AuthStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/** The Web Storage shape (`window.localStorage`, `sessionStorage`). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Browsers: shared by every tab of the origin, so one tab's refresh is seen by the others. */
export function localStorageAdapter(store?: WebStorageLike): AuthStorage {
  const target = store ?? (globalThis as { localStorage?: WebStorageLike }).localStorage;
  if (!target) throw new TypeError('localStorageAdapter: no localStorage in this environment; pass one');
  return {
    getItem: (key) => target.getItem(key),
    setItem: (key, value) => target.setItem(key, value),
    removeItem: (key) => target.removeItem(key),
  };
}

/** `@react-native-async-storage/async-storage` (or anything with its promise-based shape). */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

export function asyncStorageAdapter(store: AsyncStorageLike): AuthStorage {
  return {
    getItem: (key) => store.getItem(key),
    setItem: (key, value) => store.setItem(key, value),
    removeItem: (key) => store.removeItem(key),
  };
}
