import type { Principal } from '@basalt/contracts';
import type { Request } from 'express';

export const GUEST: Principal = Object.freeze({ kind: 'guest', roles: [], scopes: [] }) as Principal;

/** What Basalt attaches to each Express request. */
export interface BasaltRequest extends Request {
  requestId: string;
  principal?: Principal;
  startedAt: bigint;
}

export function principalLabel(p: Principal | undefined): string {
  if (!p || p.kind === 'guest') return 'guest';
  return `${p.kind}:${p.id}`;
}
