import { useMutation } from '@tanstack/react-query';
import { publicApi, unwrap } from '../../lib/api-client';
import type { Session } from '../../lib/session';
import { useStartSession } from './session-hooks';

export interface LoginInput {
  email: string;
  password: string;
}

export interface RegisterInput {
  name: string;
  email: string;
  password: string;
  organizationName?: string;
  inviteToken?: string;
}

export function useLogin() {
  const startSession = useStartSession();
  return useMutation({
    mutationFn: (body: LoginInput) => unwrap(publicApi.POST('/api/v1/auth/login', { body })),
    onSuccess: startSession,
  });
}

/**
 * `afterStart` runs even when the form is gone: starting the session re-renders the page that
 * held it (the invitation page swaps its form for the signed-in view).
 */
export function useRegister(afterStart?: (session: Session) => void) {
  const startSession = useStartSession();
  return useMutation({
    mutationFn: (body: RegisterInput) => unwrap(publicApi.POST('/api/v1/auth/register', { body })),
    onSuccess: (session) => {
      startSession(session);
      afterStart?.(session);
    },
  });
}
