import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config.js';
import type { Principal, Role } from '../../http/access.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import {
  dummyPasswordHash,
  hashPassword,
  randomToken,
  sha256,
  verifyPassword,
} from '../../platform/crypto.js';
import type { RateLimiter } from '../../platform/ratelimit/ratelimit.js';
import type { OrganizationsRepo } from '../organizations/organizations.repo.js';
import type { AuthRepo } from './auth.repo.js';
import type { AccessTokens } from './tokens.js';

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string };
  role: Role;
}

export interface AuthServiceDeps {
  config: Config;
  clock: Clock;
  repo: AuthRepo;
  organizations: OrganizationsRepo;
  tokens: AccessTokens;
  rateLimiter: RateLimiter;
  /** Runs after a registration created a new organization (e.g. its default sender). */
  onOrganizationCreated?: (orgId: string, creatorId: string) => Promise<void>;
}

/** Trim, and lowercase the domain: the local part is case-sensitive by RFC 5321. */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}${trimmed.slice(at).toLowerCase()}`;
}

export function createAuthService(deps: AuthServiceDeps) {
  const { config, clock, repo, organizations, tokens, rateLimiter } = deps;
  const windowMs = config.loginLimits.windowSeconds * 1000;
  const accountRule = { limit: config.loginLimits.perAccount, windowMs };
  const ipRule = { limit: config.loginLimits.perIp, windowMs };

  async function issueSession(
    user: { id: string; email: string; name: string },
    org: { id: string; name: string },
    role: Role,
    familyId = uuidv7(),
  ): Promise<{ session: Session; refreshRow: Parameters<AuthRepo['insertRefreshToken']>[0] }> {
    const now = clock.now();
    const refreshToken = randomToken();
    const accessToken = await tokens.sign({ userId: user.id, orgId: org.id }, now);
    return {
      session: {
        accessToken,
        refreshToken,
        expiresIn: tokens.ttlSeconds,
        user: { id: user.id, email: user.email, name: user.name },
        organization: org,
        role,
      },
      refreshRow: {
        id: uuidv7(),
        familyId,
        userId: user.id,
        orgId: org.id,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(now.getTime() + config.refreshTokenTtlSeconds * 1000),
      },
    };
  }

  async function startSession(
    user: { id: string; email: string; name: string },
    org: { id: string; name: string },
    role: Role,
  ) {
    const { session, refreshRow } = await issueSession(user, org, role);
    await repo.insertRefreshToken(refreshRow);
    return session;
  }

  function tooMany(resetMs: number): AppError {
    return new AppError('rate_limited', 'Too many sign-in attempts. Try again later.', {
      retryAfterSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
    });
  }

  return {
    async register(
      input: {
        email: string;
        password: string;
        name: string;
        organizationName?: string | undefined;
        inviteToken?: string | undefined;
      },
      ip: string,
    ): Promise<Session> {
      const ipState = await rateLimiter.hit(`register:ip:${ip}`, ipRule);
      if (!ipState.allowed) throw tooMany(ipState.resetMs);
      const email = normalizeEmail(input.email);
      if (!input.inviteToken && !input.organizationName) {
        throw new AppError(
          'validation_failed',
          'Name your organization, or register with an invitation.',
          {
            errors: [
              { path: 'body.organizationName', message: 'Required unless inviteToken is given' },
            ],
          },
        );
      }
      const userId = uuidv7();
      const passwordHash = await hashPassword(input.password);
      const now = clock.now();
      let org: { id: string; name: string; isNew: boolean };
      let role: Role = 'owner';
      let inviteHash: string | undefined;
      if (input.inviteToken) {
        inviteHash = sha256(input.inviteToken);
        const found = await organizations.findInvitationByToken(inviteHash);
        const inv = found?.invitation;
        if (!found || !inv || inv.acceptedAt || inv.expiresAt <= now) {
          throw new AppError('invalid_token', 'This invitation is invalid, used or expired.');
        }
        if (inv.email.toLowerCase() !== email.toLowerCase()) {
          throw new AppError('forbidden', 'This invitation was sent to a different email address.');
        }
        org = { id: inv.orgId, name: found.orgName, isNew: false };
        role = inv.role;
      } else {
        org = { id: uuidv7(), name: input.organizationName!.trim(), isNew: true };
      }
      const result = await repo.createUserWithMembership({
        user: { id: userId, email, name: input.name.trim(), passwordHash },
        org,
        role,
        afterInsert: inviteHash
          ? async (tx) => {
              const claimed = await organizations.claimInvitation(tx, inviteHash!, now);
              if (!claimed)
                throw new AppError('invalid_token', 'This invitation is invalid, used or expired.');
            }
          : undefined,
      });
      if (result !== 'email_taken' && org.isNew) await deps.onOrganizationCreated?.(org.id, userId);
      if (result === 'email_taken') {
        throw new AppError(
          'email_taken',
          'An account with this email already exists. Sign in instead.',
          {
            errors: [{ path: 'body.email', message: 'already registered' }],
          },
        );
      }
      return startSession(
        { id: userId, email, name: input.name.trim() },
        { id: org.id, name: org.name },
        role,
      );
    },

    async login(
      input: { email: string; password: string; organizationId?: string | undefined },
      ip: string,
    ): Promise<Session> {
      const email = normalizeEmail(input.email);
      const accountKey = `login:acct:${email.toLowerCase()}`;
      // Every attempt counts per IP; only failures count per account, so nobody can lock a
      // user out by guessing from elsewhere after the user signed in.
      const [ipState, accountState] = await Promise.all([
        rateLimiter.hit(`login:ip:${ip}`, ipRule),
        rateLimiter.peek(accountKey, accountRule),
      ]);
      if (!ipState.allowed) throw tooMany(ipState.resetMs);
      if (!accountState.allowed) throw tooMany(accountState.resetMs);

      const user = await repo.findUserByEmail(email);
      const ok = await verifyPassword(
        input.password,
        user?.passwordHash ?? (await dummyPasswordHash()),
      );
      if (!user || !ok) {
        await rateLimiter.hit(accountKey, accountRule);
        throw new AppError('invalid_credentials', 'Email or password is incorrect.');
      }
      await rateLimiter.reset(accountKey);
      const membership = input.organizationId
        ? await repo
            .findMembership(user.id, input.organizationId)
            .then((m) =>
              m ? { orgId: input.organizationId!, role: m.role, orgName: m.orgName } : null,
            )
        : await repo.firstMembership(user.id);
      if (!membership) {
        throw new AppError(
          'forbidden',
          input.organizationId
            ? 'You are not a member of that organization.'
            : 'Your account belongs to no organization.',
        );
      }
      return startSession(
        user,
        { id: membership.orgId, name: membership.orgName },
        membership.role,
      );
    },

    async refresh(refreshToken: string): Promise<Session> {
      const now = clock.now();
      let session: Session | undefined;
      const result = await repo.spendRefreshToken(sha256(refreshToken), now, async (row, reads) => {
        const user = await reads.findUserById(row.userId);
        const membership = await reads.findMembership(row.userId, row.orgId);
        // Removed from the organization: the session ends with the membership.
        if (!user || !membership) return 'revoke-family';
        const issued = await issueSession(
          user,
          { id: row.orgId, name: membership.orgName },
          membership.role,
          row.familyId,
        );
        session = issued.session;
        return issued.refreshRow;
      });
      if (result.outcome === 'reused') {
        throw new AppError(
          'refresh_token_reused',
          'This refresh token was already used; every session from it has been signed out.',
        );
      }
      if (result.outcome !== 'rotated' || !session)
        throw new AppError('invalid_token', 'The refresh token is invalid or expired.');
      return session;
    },

    async logout(refreshToken: string): Promise<void> {
      await repo.revokeFamilyOf(sha256(refreshToken), clock.now());
    },

    async switchOrganization(
      principal: Principal,
      organizationId: string,
      refreshToken?: string,
    ): Promise<Session> {
      const user = await repo.findUserById(principal.userId!);
      const membership = await repo.findMembership(principal.userId!, organizationId);
      if (!user || !membership) throw new AppError('not_found', 'Organization not found');
      if (refreshToken) await repo.revokeFamilyOf(sha256(refreshToken), clock.now(), user.id);
      return startSession(user, { id: organizationId, name: membership.orgName }, membership.role);
    },

    /** Resolves a bearer access token to the caller, checking the membership still exists. */
    async authenticateAccessToken(token: string): Promise<Principal | undefined> {
      const claims = await tokens.verify(token, clock.now());
      if (!claims) return undefined;
      const membership = await repo.findMembership(claims.userId, claims.orgId);
      if (!membership) return undefined;
      return {
        kind: 'user',
        orgId: claims.orgId,
        role: membership.role,
        userId: claims.userId,
        apiKeyId: null,
      };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
