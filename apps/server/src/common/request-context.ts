import type { Principal } from '@basalt/contracts';
import type { FastifyRequest } from 'fastify';

export const GUEST: Principal = Object.freeze({ kind: 'guest', roles: [], scopes: [] }) as Principal;

/** What Basalt attaches to each request (declared on Fastify's request in the request-context hook). */
export interface BasaltRequest extends FastifyRequest {
  requestId: string;
  principal?: Principal;
  startedAt: bigint;
}

export function principalLabel(p: Principal | undefined): string {
  if (!p || p.kind === 'guest') return 'guest';
  return `${p.kind}:${p.id}`;
}
