import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import type { Role } from "../db/client.ts";
import { AppError, ERROR_MAPPING } from "../errors.ts";
import { requireFeature } from "../policies/features.ts";
import type { Context } from "./context.ts";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let fieldErrors: Record<string, string[]> | null = null;
    let message = shape.message;
    if (cause instanceof ZodError) {
      fieldErrors = {};
      for (const issue of cause.issues) {
        const key = issue.path.length ? issue.path.join(".") : "_form";
        (fieldErrors[key] ??= []).push(issue.message);
      }
      message = "Some fields need attention: " + Object.keys(fieldErrors).join(", ") + ".";
    } else if (cause instanceof AppError && cause.fieldErrors) {
      fieldErrors = cause.fieldErrors;
    }
    if (error.code === "INTERNAL_SERVER_ERROR") message = "Something went wrong on our side. Please try again.";
    return {
      ...shape,
      message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, fieldErrors },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Service errors become tRPC errors (server/errors.ts ERROR_MAPPING) with the same message; anything else is logged and hidden. */
const mapErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: ERROR_MAPPING[cause.code].trpc, message: cause.message, cause });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      console.error(`tRPC ${path} failed:`, result.error.cause ?? result.error);
    }
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please log in to continue." });
  return next({ ctx: { ...ctx, viewer: ctx.viewer, user: ctx.viewer.user, tenant: ctx.viewer.tenant } });
});

/** Allowed only to the given roles in the caller's current tenant. */
export const roleProcedure = (...roles: Role[]) =>
  authedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.viewer.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Your role in this organisation does not allow that." });
    }
    return next();
  });

/**
 * Coaching features: signed in, and the tenant's `coaches` flag is on (server/policies/features.ts,
 * the same check as socket events and file routes). `ctx.actor` is the viewer as the coaching
 * policies see it.
 */
export const coachingProcedure = authedProcedure.use(({ ctx, next }) => {
  requireFeature(ctx.viewer.tenant, "coaches");
  return next({
    ctx: { actor: { userId: ctx.viewer.user.id, tenantId: ctx.viewer.tenant.id, role: ctx.viewer.role } },
  });
});

/** System administration: tenants and their feature flags. */
export const systemAdminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer.memberships.some((m) => m.role === "SYSTEM_ADMIN")) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only system administrators can do that." });
  }
  return next();
});

export { z };
