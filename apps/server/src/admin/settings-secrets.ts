import { MASKED_SECRET } from '@basalt/contracts';

type Json = unknown;

/** Applies `fn` to every value found at `path` inside `value`, returning a new value. */
export function mapAtPath(value: Json, path: string[], fn: (v: Json, pathPrefix: Json[]) => Json, trail: Json[] = []): Json {
  if (path.length === 0) return fn(value, trail);
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path;
  if (head === '[]') {
    return Array.isArray(value) ? value.map((item, i) => mapAtPath(item, rest, fn, [...trail, i])) : value;
  }
  const obj = value as Record<string, Json>;
  if (!(head! in obj) || obj[head!] === undefined) return value;
  return { ...obj, [head!]: mapAtPath(obj[head!], rest, fn, [...trail, head]) };
}

export function mapSecrets(value: Json, paths: string[][], fn: (v: Json, trail: Json[]) => Json): Json {
  return paths.reduce((acc, path) => mapAtPath(acc, path, fn), value);
}

export function maskSecrets(value: Json, paths: string[][]): Json {
  return mapSecrets(value, paths, (v) => (typeof v === 'string' && v !== '' ? MASKED_SECRET : v));
}
