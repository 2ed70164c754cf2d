import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api-client';

export function useAcceptInvitation() {
  return useMutation({
    mutationFn: (token: string) =>
      unwrap(api.POST('/api/v1/invitations/accept', { body: { token } })),
  });
}
