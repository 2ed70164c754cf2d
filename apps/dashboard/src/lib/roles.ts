import type { Session } from './session';

export type Role = Session['role'];

export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin', 'owner'];

export function roleAtLeast(role: Role | undefined, minimum: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  editor: 'Editor',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: 'Everything, including deleting the organization',
  admin: 'Manage members, API keys and settings',
  editor: 'Create and send campaigns, edit contacts',
  viewer: 'Read-only access to reports and data',
};
