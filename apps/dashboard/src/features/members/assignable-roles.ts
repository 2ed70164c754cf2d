import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, roleAtLeast, type Role } from '../../lib/roles';
import type { SelectOption } from '../../components/ui/select';

/** Mirrors the API: you grant roles up to your own, and only owners touch the owner role. */
export function assignableRoles(myRole: Role | undefined): Role[] {
  return ROLES.filter(
    (role) => roleAtLeast(myRole, role) && (role !== 'owner' || myRole === 'owner'),
  );
}

export function canManageMember(myRole: Role | undefined, theirRole: Role): boolean {
  return roleAtLeast(myRole, 'admin') && (theirRole !== 'owner' || myRole === 'owner');
}

export const roleOptions = (roles: readonly Role[]): SelectOption<Role>[] =>
  roles.map((role) => ({
    value: role,
    label: ROLE_LABELS[role],
    description: ROLE_DESCRIPTIONS[role],
  }));
