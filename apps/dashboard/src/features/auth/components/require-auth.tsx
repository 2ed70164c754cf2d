import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { sessionStore } from '../../../lib/session';
import { useSession } from '../session-hooks';

/** Signed-out visitors go to the login page, which brings them back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const here = location.pathname + location.search;
    const isDeepLink = here !== '/' && sessionStore.peekEndReason() !== 'logout';
    return (
      <Navigate to={isDeepLink ? `/login?next=${encodeURIComponent(here)}` : '/login'} replace />
    );
  }
  return <>{children}</>;
}
