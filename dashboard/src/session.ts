import { createContext, useContext } from 'react';
import type { Admin } from '@basalt/contracts';

export interface Session {
  admin: Admin;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside a signed-in page');
  return session;
}
