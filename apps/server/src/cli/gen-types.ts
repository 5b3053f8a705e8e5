import type { AdminAuthResponse, Collection, ErrorEnvelope, ListResponse } from '@basalt/contracts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BootError } from './boot.js';
import { renderTypes } from './gen-types-render.js';

export const GEN_TYPES_USAGE = `Usage: basalt gen types --out <file> [--url <server>] [--token <admin token> | --api-key <key> | --email E --password P]

Reads every collection from a running server (admin token, an API key with schema:write, or admin
email and password; the defaults are BASALT_ADMIN_TOKEN, BASALT_ADMIN_EMAIL/BASALT_ADMIN_PASSWORD and
BASALT_PUBLIC_URL or http://127.0.0.1:8090) and writes TypeScript interfaces plus a Schema type.`;

/**
 * `basalt gen types`: asks a running server for the schema over HTTP, so it works the same against
 * the embedded and the scaled setup, local or remote (an embedded server holds its database open).
 */
export async function genTypes(argv: string[], env: Record<string, string | undefined>): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      url: { type: 'string' },
      token: { type: 'string' },
      'api-key': { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
    },
  });
  if (positionals[0] !== 'types' || positionals.length > 1) throw new BootError('command', `unknown command "gen ${positionals.join(' ')}"\n\n${GEN_TYPES_USAGE}`);
  if (!values.out) throw new BootError('--out', `is required\n\n${GEN_TYPES_USAGE}`);
  const url = (values.url ?? env.BASALT_PUBLIC_URL ?? `http://127.0.0.1:${env.BASALT_PORT ?? 8090}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url)) throw new BootError('--url', 'must be an http(s) URL of a running server');
  const headers = await credentials(url, values, env);
  const body = await getJson<ListResponse<Collection>>(url, '/api/collections', { headers });
  const file = resolve(values.out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderTypes(body.items, url));
  process.stdout.write(`Wrote ${body.items.length} collection types to ${file}\n`);
}

async function credentials(url: string, values: { token?: string; 'api-key'?: string; email?: string; password?: string }, env: Record<string, string | undefined>): Promise<Record<string, string>> {
  const token = values.token ?? (values['api-key'] ? undefined : env.BASALT_ADMIN_TOKEN);
  if (token) return { authorization: `Bearer ${token}` };
  if (values['api-key']) return { 'x-api-key': values['api-key'] };
  const email = values.email ?? env.BASALT_ADMIN_EMAIL;
  const password = values.password ?? env.BASALT_ADMIN_PASSWORD;
  if (!email || !password) throw new BootError('--token', 'give an admin token, an API key, or --email and --password of an admin');
  const auth = await getJson<AdminAuthResponse>(url, '/api/admin/auth', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { authorization: `Bearer ${auth.token}` };
}

async function getJson<T>(url: string, path: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url + path, init);
  } catch (e) {
    throw new BootError('--url', `cannot reach ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      message = (JSON.parse(text) as ErrorEnvelope).error.message;
    } catch {
      // not the error envelope
    }
    throw new BootError(res.status === 401 || res.status === 403 ? '--token' : '--url', `${path}: ${message}`);
  }
  return JSON.parse(text) as T;
}
