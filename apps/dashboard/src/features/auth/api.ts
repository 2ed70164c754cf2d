import { useMutation } from '@tanstack/react-query';
import { publicApi, unwrap } from '../../lib/api-client';
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

export function useRegister() {
  const startSession = useStartSession();
  return useMutation({
    mutationFn: (body: RegisterInput) => unwrap(publicApi.POST('/api/v1/auth/register', { body })),
    onSuccess: startSession,
  });
}
