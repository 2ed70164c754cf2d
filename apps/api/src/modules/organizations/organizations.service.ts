import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config.js';
import { roleAtLeast, type Principal, type Role } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import type { AuthRepo } from '../auth/auth.repo.js';
import type { OrganizationsRepo } from './organizations.repo.js';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export function createOrganizationsService(deps: {
  config: Config;
  clock: Clock;
  repo: OrganizationsRepo;
  authRepo: AuthRepo;
  /** Runs after an organization was created (e.g. its default sender). */
  onOrganizationCreated?: (orgId: string, creatorId: string) => Promise<void>;
}) {
  const { config, clock, repo, authRepo } = deps;

  /** Admins manage members, but only an owner may hand out, take away or touch the owner role. */
  function assertMayAssign(principal: Principal, current: Role | null, next: Role | null) {
    const touchesOwner = current === 'owner' || next === 'owner';
    if (touchesOwner && principal.role !== 'owner') {
      throw new AppError('forbidden', 'Only an owner can grant, change or remove the owner role.');
    }
    if (next && !roleAtLeast(principal.role, next)) {
      throw new AppError('forbidden', `You cannot grant the ${next} role.`);
    }
  }

  return {
    async me(principal: Principal) {
      const org = await repo.find(principal.orgId);
      if (!org) throw notFound('Organization');
      const user = principal.userId ? await authRepo.findUserById(principal.userId) : null;
      const organizations = principal.userId
        ? (await repo.listForUser(principal.userId, 200)).map(({ id, name, role }) => ({
            id,
            name,
            role,
          }))
        : [{ id: org.id, name: org.name, role: principal.role }];
      return {
        principal: principal.kind,
        user: user ? { id: user.id, email: user.email, name: user.name } : null,
        organization: { id: org.id, name: org.name },
        role: principal.role,
        organizations,
      };
    },

    async listMine(principal: Principal, query: { cursor?: string | undefined; limit: number }) {
      const after = decodeCursor(query.cursor, ['timestamp', 'uuid']) as
        [string, string] | undefined;
      const rows = await repo.listForUser(principal.userId!, query.limit + 1, after);
      return toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
    },

    async create(principal: Principal, name: string) {
      const org = await repo.create({ id: uuidv7(), name: name.trim() }, principal.userId!);
      await deps.onOrganizationCreated?.(org.id, principal.userId!);
      return { id: org.id, name: org.name, role: org.role, createdAt: org.joinedAt };
    },

    async rename(principal: Principal, name: string) {
      const org = await repo.rename(principal.orgId, name.trim());
      if (!org) throw notFound('Organization');
      return { id: org.id, name: org.name };
    },

    async listMembers(principal: Principal, query: { cursor?: string | undefined; limit: number }) {
      const after = decodeCursor(query.cursor, ['timestamp', 'uuid']) as
        [string, string] | undefined;
      const rows = await repo.listMembers(principal.orgId, query.limit + 1, after);
      return toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.userId]);
    },

    async changeRole(principal: Principal, userId: string, role: Role) {
      const member = await repo.findMember(principal.orgId, userId);
      if (!member) throw notFound('Member');
      assertMayAssign(principal, member.role, role);
      const result = await repo.setRole(principal.orgId, userId, role);
      if (result === 'missing') throw notFound('Member');
      if (result === 'last_owner') {
        throw new AppError(
          'last_owner',
          'An organization needs at least one owner. Make someone else owner first.',
        );
      }
      return { ...member, role };
    },

    async removeMember(principal: Principal, userId: string) {
      const member = await repo.findMember(principal.orgId, userId);
      if (!member) throw notFound('Member');
      assertMayAssign(principal, member.role, null);
      const result = await repo.removeMember(principal.orgId, userId);
      if (result === 'missing') throw notFound('Member');
      if (result === 'last_owner') {
        throw new AppError(
          'last_owner',
          'An organization needs at least one owner. Make someone else owner first.',
        );
      }
    },

    async invite(principal: Principal, input: { email: string; role: Role }) {
      assertMayAssign(principal, null, input.role);
      const token = randomToken();
      const now = clock.now();
      const row = await repo.insertInvitation({
        id: uuidv7(),
        orgId: principal.orgId,
        email: input.email.trim(),
        role: input.role,
        tokenHash: sha256(token),
        invitedBy: principal.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      });
      return {
        id: row.id,
        email: row.email,
        role: row.role,
        expiresAt: row.expiresAt,
        createdAt: row.createdAt,
        token,
        acceptUrl: `${config.publicUrl}/invite?token=${encodeURIComponent(token)}`,
      };
    },

    async listInvitations(
      principal: Principal,
      query: { cursor?: string | undefined; limit: number },
    ) {
      const after = decodeCursor(query.cursor, 1);
      const rows = await repo.listPendingInvitations(
        principal.orgId,
        clock.now(),
        query.limit + 1,
        after?.[0] as string | undefined,
      );
      const page = toPage(rows, query.limit, (r) => [r.id]);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map(({ id, email, role, expiresAt, createdAt }) => ({
          id,
          email,
          role,
          expiresAt,
          createdAt,
        })),
      };
    },

    async revokeInvitation(principal: Principal, id: string) {
      if (!(await repo.deleteInvitation(principal.orgId, id))) throw notFound('Invitation');
    },

    /** A signed-in person joins the organization that invited their email address. */
    async acceptInvitation(principal: Principal, token: string) {
      const user = await authRepo.findUserById(principal.userId!);
      const found = await repo.findInvitationByToken(sha256(token));
      const now = clock.now();
      if (!user || !found || found.invitation.acceptedAt || found.invitation.expiresAt <= now) {
        throw new AppError('invalid_token', 'This invitation is invalid, used or expired.');
      }
      if (found.invitation.email.toLowerCase() !== user.email.toLowerCase()) {
        throw new AppError('forbidden', 'This invitation was sent to a different email address.');
      }
      const role = await repo.transaction(async (tx) => {
        const claimed = await repo.claimInvitation(tx, sha256(token), now);
        if (!claimed)
          throw new AppError('invalid_token', 'This invitation is invalid, used or expired.');
        const added = await repo.addMember(tx, claimed.orgId, user.id, claimed.role);
        if (!added)
          throw new AppError('conflict', 'You are already a member of this organization.');
        return claimed.role;
      });
      return { organization: { id: found.invitation.orgId, name: found.orgName }, role };
    },
  };
}

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;
