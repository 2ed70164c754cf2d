import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, unwrap, type ApiResponse } from '../../lib/api-client';
import { roleAtLeast, type Role } from '../../lib/roles';
import { sessionStore } from '../../lib/session';
import { useSession, useStartSession } from '../auth/session-hooks';

export type Me = ApiResponse<'/api/v1/me', 'get'>;

export const meQueryKey = ['me'] as const;

export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: () => unwrap(api.GET('/api/v1/me')),
    staleTime: 30_000,
  });
}

/** The caller's role here: fresh from /me when loaded, else the one the session started with. */
export function useRole(): Role | undefined {
  const session = useSession();
  const me = useMe();
  return me.data?.role ?? session?.role;
}

export function useCan(minimum: Role): boolean {
  return roleAtLeast(useRole(), minimum);
}

export function useSwitchOrganization() {
  const startSession = useStartSession();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (organizationId: string) =>
      unwrap(
        api.POST('/api/v1/auth/switch-organization', {
          // Handing in the old refresh token ends that session instead of leaving it around.
          body: { organizationId, refreshToken: sessionStore.readRefreshToken() ?? undefined },
        }),
      ),
    onSuccess: (session) => {
      startSession(session);
      void navigate('/');
    },
  });
}

export function useCreateOrganization() {
  const switchOrganization = useSwitchOrganization();
  return useMutation({
    mutationFn: async (name: string) => {
      const organization = await unwrap(api.POST('/api/v1/organizations', { body: { name } }));
      await switchOrganization.mutateAsync(organization.id);
      return organization;
    },
  });
}
