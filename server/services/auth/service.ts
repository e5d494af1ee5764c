import type { Role } from "@server/db/client.ts";
import { AppError, notFound } from "@server/errors.ts";
import { isUniqueViolation } from "@server/db/constraint-errors.ts";
import type { ServiceDeps } from "../deps.ts";
import { createLoginLimiter, LoginBlocked, type LoginLimiter } from "./login-limiter.ts";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords.ts";
import { hashSessionToken, newSessionToken } from "./sessions.ts";

export interface RequestMeta {
  ip: string;
  userAgent?: string | null;
}

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  featureCoaches: boolean;
  featurePremiumCoachServices: boolean;
}

/** Who is signed in, in which tenant, with which role. Built from a session cookie. */
export interface Viewer {
  sessionId: string;
  user: { id: string; email: string; name: string; timeZone: string };
  tenant: TenantSummary;
  role: Role;
  memberships: { tenantId: string; tenantSlug: string; tenantName: string; role: Role }[];
}

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

const tenantSelect = {
  id: true,
  slug: true,
  name: true,
  featureCoaches: true,
  featurePremiumCoachServices: true,
} as const;

/** Refresh `lastSeenAt` at most this often, so that reading a page is not always a write. */
const TOUCH_INTERVAL_MS = 60_000;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createAuthService(
  deps: ServiceDeps,
  limiter: LoginLimiter = createLoginLimiter(deps.databaseUrl, deps.env, deps.databaseSchema),
) {
  const { db, env, now } = deps;
  const idleMs = env.SESSION_IDLE_MINUTES * 60_000;
  const absoluteMs = env.SESSION_ABSOLUTE_HOURS * 3_600_000;

  async function issueSession(userId: string, tenantId: string, meta: RequestMeta): Promise<IssuedSession> {
    const token = newSessionToken();
    const at = now();
    const expiresAt = new Date(at.getTime() + absoluteMs);
    await db.session.create({
      data: {
        tokenHash: hashSessionToken(token),
        userId,
        tenantId,
        createdAt: at,
        lastSeenAt: at,
        expiresAt,
        ip: meta.ip,
        userAgent: meta.userAgent?.slice(0, 400) ?? null,
      },
    });
    return { token, expiresAt };
  }

  return {
    /** Creates an account as a client of the tenant and signs it in. */
    async signUp(
      input: { email: string; name: string; password: string; tenantSlug: string; timeZone?: string },
      meta: RequestMeta,
    ): Promise<IssuedSession> {
      const email = normaliseEmail(input.email);
      const tenant = await db.tenant.findUnique({ where: { slug: input.tenantSlug }, select: { id: true } });
      if (!tenant)
        throw new AppError("BAD_REQUEST", "That organisation does not exist.", {
          tenantSlug: ["No organisation has this address."],
        });
      const existing = await db.user.findUnique({ where: { email }, select: { id: true } });
      if (existing) {
        throw new AppError("CONFLICT", "An account with this email already exists.", {
          email: ["An account with this email already exists. Log in instead."],
        });
      }
      const passwordHash = await hashPassword(input.password);
      const user = await db.user
        .create({
          data: {
            email,
            name: input.name.trim(),
            passwordHash,
            timeZone: input.timeZone ?? "UTC",
            memberships: { create: { tenantId: tenant.id, role: "CLIENT" } },
          },
          select: { id: true },
        })
        .catch((error: unknown) => {
          // Two sign-ups with one email at once: the unique index decides.
          if (isUniqueViolation(error)) {
            throw new AppError("CONFLICT", "An account with this email already exists.", {
              email: ["An account with this email already exists. Log in instead."],
            });
          }
          throw error;
        });
      return issueSession(user.id, tenant.id, meta);
    },

    async logIn(
      input: { email: string; password: string; tenantSlug?: string },
      meta: RequestMeta,
    ): Promise<IssuedSession> {
      const email = normaliseEmail(input.email);
      try {
        await limiter.check(email, meta.ip);
      } catch (error) {
        if (error instanceof LoginBlocked) throw new AppError("TOO_MANY_REQUESTS", error.message);
        throw error;
      }
      const user = await db.user.findUnique({
        where: { email },
        select: {
          id: true,
          passwordHash: true,
          memberships: {
            select: { tenantId: true, tenant: { select: { slug: true } } },
            orderBy: { createdAt: "asc" },
          },
        },
      });
      const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
      if (!user || !ok) {
        await limiter.recordFailure(email, meta.ip);
        throw new AppError("UNAUTHORIZED", "The email or password is incorrect.");
      }
      const membership = user.memberships.find((m) => m.tenant.slug === input.tenantSlug) ?? user.memberships[0];
      if (!membership) throw new AppError("FORBIDDEN", "This account does not belong to any organisation.");
      await limiter.recordSuccess(email);
      return issueSession(user.id, membership.tenantId, meta);
    },

    /** The viewer for a session token, or null when it is unknown, revoked, idle too long or past its lifetime. */
    async resolveSession(token: string | undefined | null): Promise<Viewer | null> {
      if (!token || token.length > 200) return null;
      const session = await db.session.findUnique({
        where: { tokenHash: hashSessionToken(token) },
        select: {
          id: true,
          tenantId: true,
          lastSeenAt: true,
          expiresAt: true,
          revokedAt: true,
          user: {
            select: {
              id: true,
              email: true,
              name: true,
              timeZone: true,
              memberships: {
                select: { tenantId: true, role: true, tenant: { select: tenantSelect } },
                orderBy: { createdAt: "asc" },
              },
            },
          },
        },
      });
      if (!session || session.revokedAt) return null;
      const at = now();
      if (session.expiresAt <= at || session.lastSeenAt.getTime() + idleMs <= at.getTime()) return null;
      const current = session.user.memberships.find((m) => m.tenantId === session.tenantId);
      if (!current) return null; // membership removed since sign-in
      if (at.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
        await db.session.update({ where: { id: session.id }, data: { lastSeenAt: at } });
      }
      const { memberships, ...user } = session.user;
      return {
        sessionId: session.id,
        user,
        tenant: current.tenant,
        role: current.role,
        memberships: memberships.map((m) => ({
          tenantId: m.tenantId,
          tenantSlug: m.tenant.slug,
          tenantName: m.tenant.name,
          role: m.role,
        })),
      };
    },

    async logOut(sessionId: string): Promise<void> {
      await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now() } });
      deps.realtime.disconnectSessions([sessionId], "logged-out");
    },

    /** The user's live sessions, newest activity first. */
    async listSessions(userId: string, currentSessionId: string) {
      const at = now();
      const sessions = await db.session.findMany({
        where: { userId, revokedAt: null, expiresAt: { gt: at }, lastSeenAt: { gt: new Date(at.getTime() - idleMs) } },
        select: {
          id: true,
          createdAt: true,
          lastSeenAt: true,
          expiresAt: true,
          ip: true,
          userAgent: true,
          tenant: { select: { name: true } },
        },
        orderBy: { lastSeenAt: "desc" },
      });
      return sessions.map(({ tenant, ...s }) => ({
        ...s,
        tenantName: tenant.name,
        current: s.id === currentSessionId,
      }));
    },

    async revokeSession(userId: string, sessionId: string): Promise<void> {
      const { count } = await db.session.updateMany({
        where: { id: sessionId, userId, revokedAt: null },
        data: { revokedAt: now() },
      });
      if (count === 0) throw notFound("That session");
      deps.realtime.disconnectSessions([sessionId], "revoked");
    },

    /** The zone every time is shown in for this person (an IANA name, checked by the router). */
    async setTimeZone(userId: string, timeZone: string): Promise<{ timeZone: string }> {
      const user = await db.user.update({ where: { id: userId }, data: { timeZone }, select: { timeZone: true } });
      return { timeZone: user.timeZone };
    },

    /** Changes the password and signs out every other session of the user. */
    async changePassword(
      userId: string,
      currentSessionId: string,
      input: { currentPassword: string; newPassword: string },
    ): Promise<{ revoked: number }> {
      const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
      if (!user) throw notFound("Your account");
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        throw new AppError("BAD_REQUEST", "The current password is incorrect.", {
          currentPassword: ["The current password is incorrect."],
        });
      }
      if (input.currentPassword === input.newPassword) {
        throw new AppError("BAD_REQUEST", "Choose a password different from the current one.", {
          newPassword: ["Choose a password different from the current one."],
        });
      }
      const passwordHash = await hashPassword(input.newPassword);
      const at = now();
      const others = await db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: at } });
        const live = await tx.session.findMany({
          where: { userId, revokedAt: null, id: { not: currentSessionId } },
          select: { id: true },
        });
        await tx.session.updateMany({ where: { id: { in: live.map((s) => s.id) } }, data: { revokedAt: at } });
        return live.map((s) => s.id);
      });
      deps.realtime.disconnectSessions(others, "password-changed");
      return { revoked: others.length };
    },

    /** Acts in another tenant the user belongs to, in the same session. */
    async switchTenant(userId: string, sessionId: string, tenantSlug: string): Promise<void> {
      const membership = await db.membership.findFirst({
        where: { userId, tenant: { slug: tenantSlug } },
        select: { tenantId: true },
      });
      if (!membership) throw notFound("That organisation");
      await db.session.update({ where: { id: sessionId }, data: { tenantId: membership.tenantId } });
    },

    close: () => limiter.close(),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
