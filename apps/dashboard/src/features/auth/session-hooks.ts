import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { publicApi } from '../../lib/api-client';
import { sessionStore, type Session, type StoredSession } from '../../lib/session';

export function useSession(): StoredSession | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

/**
 * Starts a session (login, register, switching organization). Every cached answer belonged to
 * the previous organization, so all of it is reset; mounted queries refetch with the new token.
 */
export function useStartSession(): (session: Session) => void {
  const queryClient = useQueryClient();
  return useCallback(
    (session: Session) => {
      sessionStore.set(session);
      void queryClient.resetQueries();
    },
    [queryClient],
  );
}

export function useLogout(): () => void {
  const queryClient = useQueryClient();
  return useCallback(() => {
    const refreshToken = sessionStore.readRefreshToken();
    sessionStore.clear('logout');
    queryClient.clear();
    // Best effort: the local session is gone either way, so a failed call changes nothing here.
    if (refreshToken) {
      publicApi.POST('/api/v1/auth/logout', { body: { refreshToken } }).catch(() => undefined);
    }
  }, [queryClient]);
}
