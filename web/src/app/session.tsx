import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client, isApiError, setCsrfToken, setUnauthenticatedHandler } from '../api/client';
import type { ResponseOf } from '../api/types';

export type Me = ResponseOf<'/api/v1/me', 'get'>;

export const meKey = ['me'] as const;

/** The signed-in user, or null when nobody is (401). */
export async function fetchMe(): Promise<Me | null> {
  try {
    const me = await call(() => client.GET('/api/v1/me'));
    setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (isApiError(err) && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

export function useMeQuery() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000, retry: false });
}

type Session = { me: Me; can: (permission: string) => boolean };

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const queryClient = useQueryClient();
  useEffect(() => {
    // a session that ended on the server (idle timeout, sign-out elsewhere) sends the user to sign in
    setUnauthenticatedHandler(() => void queryClient.setQueryData(meKey, null));
    return () => setUnauthenticatedHandler(null);
  }, [queryClient]);
  const permissions = new Set(me.permissions);
  return <SessionContext.Provider value={{ me, can: (p) => permissions.has(p) }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** True when the user holds the permission; hides buttons for what they cannot do. */
export function useCan(permission: string): boolean {
  return useSession().can(permission);
}
