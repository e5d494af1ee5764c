import { clearedSessionCookie, sessionCookie } from "@server/auth/cookie.ts";
import { authedProcedure, publicProcedure, router, z } from "@server/trpc/init.ts";

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const email = z
  .string()
  .trim()
  .max(254, "Email addresses are at most 254 characters.")
  .pipe(z.email("Enter a valid email address."));
const newPassword = z.string().min(10, "Use at least 10 characters.").max(256, "Use at most 256 characters.");
const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]{1,40}$/, "Not a valid organisation address.");

export const signUpInput = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(100, "Names are at most 100 characters."),
  email,
  password: newPassword,
  tenantSlug: slug,
  timeZone: z.string().refine(isTimeZone, "Unknown time zone.").optional(),
});

export const logInInput = z.object({
  email,
  password: z.string().min(1, "Enter your password.").max(256, "Passwords are at most 256 characters."),
  tenantSlug: slug.optional(),
});

export const authRouter = router({
  /** The signed-in viewer, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.viewer),

  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const session = await ctx.services.auth.signUp(input, { ip: ctx.ip, userAgent: ctx.req.headers.get("user-agent") });
    ctx.resHeaders.append("Set-Cookie", sessionCookie(ctx.env, session.token, session.expiresAt));
    return { ok: true as const };
  }),

  logIn: publicProcedure.input(logInInput).mutation(async ({ ctx, input }) => {
    const session = await ctx.services.auth.logIn(input, { ip: ctx.ip, userAgent: ctx.req.headers.get("user-agent") });
    ctx.resHeaders.append("Set-Cookie", sessionCookie(ctx.env, session.token, session.expiresAt));
    return { ok: true as const };
  }),

  logOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.viewer) await ctx.services.auth.logOut(ctx.viewer.sessionId);
    ctx.resHeaders.append("Set-Cookie", clearedSessionCookie(ctx.env));
    return { ok: true as const };
  }),

  sessions: authedProcedure.query(({ ctx }) => ctx.services.auth.listSessions(ctx.user.id, ctx.viewer.sessionId)),

  revokeSession: authedProcedure
    .input(z.object({ sessionId: z.uuid("Not a session id.") }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.auth.revokeSession(ctx.user.id, input.sessionId);
      if (input.sessionId === ctx.viewer.sessionId) ctx.resHeaders.append("Set-Cookie", clearedSessionCookie(ctx.env));
      return { ok: true as const };
    }),

  /** The viewer's own time zone (every page shows times in it). */
  setTimeZone: authedProcedure
    .input(
      z.object({
        timeZone: z
          .string()
          .trim()
          .refine(isTimeZone, "Unknown time zone: choose one from the list, such as Europe/Amsterdam."),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.auth.setTimeZone(ctx.user.id, input.timeZone)),
  changePassword: authedProcedure
    .input(z.object({ currentPassword: z.string().min(1, "Enter your current password.").max(256), newPassword }))
    .mutation(({ ctx, input }) => ctx.services.auth.changePassword(ctx.user.id, ctx.viewer.sessionId, input)),

  switchTenant: authedProcedure.input(z.object({ tenantSlug: slug })).mutation(async ({ ctx, input }) => {
    await ctx.services.auth.switchTenant(ctx.user.id, ctx.viewer.sessionId, input.tenantSlug);
    return { ok: true as const };
  }),
});
