import { forbidden } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import type { EventResult, PaymentContext } from "./context.ts";

/**
 * Connected accounts: coach payouts onboarding (Stripe Connect Express; nothing to set up with
 * the local provider), whether a coach can be paid, `account.updated` events, and the tenant's
 * payout schedule applied to each coach's account.
 */
export function createAccounts(ctx: PaymentContext) {
  const { db, log, now, jobs, provider } = ctx;

  async function ownCoachProfile(actor: Actor) {
    const profile = await db.coachProfile.findUnique({
      where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      select: {
        id: true,
        status: true,
        stripeAccountId: true,
        payoutsEnabled: true,
        user: { select: { email: true } },
      },
    });
    if (!profile || (profile.status !== "APPROVED" && profile.status !== "SUSPENDED"))
      throw forbidden("Only approved coaches set up payouts.");
    return profile;
  }

  /** Applies the tenant's payout schedule to one coach's connected account (Stripe; nothing locally). */
  async function applyPayoutSchedule(coachProfileId: string) {
    const coach = await db.coachProfile.findUnique({
      where: { id: coachProfileId },
      select: { id: true, stripeAccountId: true, tenantId: true },
    });
    if (!coach?.stripeAccountId || provider.kind !== "stripe") return { applied: false };
    // Always the tenant's current setting, so that jobs running late or out of order end right.
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: coach.tenantId },
      select: { payoutSchedule: true, payoutMonthlyAnchor: true, updatedAt: true },
    });
    await provider.setPayoutSchedule({
      accountId: coach.stripeAccountId,
      coachProfileId: coach.id,
      interval: tenant.payoutSchedule === "MONTHLY" ? "monthly" : "daily",
      monthlyAnchor: tenant.payoutMonthlyAnchor,
      version: String(tenant.updatedAt.getTime()),
    });
    return { applied: true };
  }

  return {
    applyPayoutSchedule,

    /**
     * The tenant's payout schedule changed: one job per coach with a connected account (Stripe),
     * so the change survives restarts and reaches any number of coaches. Without a job queue
     * (tests, scripts) the accounts are updated here, one by one.
     */
    async fanOutPayoutSchedule(tenantId: string) {
      if (provider.kind !== "stripe") return { coaches: 0 };
      const coaches = await db.coachProfile.findMany({
        where: { tenantId, stripeAccountId: { not: null } },
        select: { id: true },
      });
      for (const c of coaches) {
        if (jobs) await jobs.send("payouts.apply-schedule", { coachProfileId: c.id });
        else await applyPayoutSchedule(c.id);
      }
      return { coaches: coaches.length };
    },

    /** `account.updated`: payouts enabled or not, re-read from the provider (events may arrive out of order). */
    async accountUpdated(accountId: string): Promise<EventResult> {
      const coach = await db.coachProfile.findUnique({
        where: { stripeAccountId: accountId },
        select: { id: true, tenantId: true },
      });
      if (!coach) return { outcome: "IGNORED", error: "No coach has this account." };
      // Events may arrive out of order: ask the provider for the account's current state.
      const payoutsEnabled = await provider.payoutsEnabled(accountId);
      await db.coachProfile.update({ where: { id: coach.id }, data: { payoutsEnabled } });
      return { outcome: "ACCOUNT_UPDATED", tenantId: coach.tenantId };
    },

    /**
     * Coach payouts onboarding: Stripe Connect Express (account, then an onboarding link); with
     * the local provider there is nothing to set up and payouts are simply enabled.
     */
    async coachOnboarding(actor: Actor, origin: string, returnPath = "/coaching/profile") {
      const profile = await ownCoachProfile(actor);
      const back = `${origin}${returnPath}`;
      if (provider.kind === "local") {
        await db.coachProfile.update({ where: { id: profile.id }, data: { payoutsEnabled: true } });
        return { url: back };
      }
      let accountId = profile.stripeAccountId;
      if (!accountId) {
        // The idempotency key makes a concurrent or retried creation return the same account.
        accountId = (
          await provider.createCoachAccount({
            coachProfileId: profile.id,
            tenantId: actor.tenantId,
            email: profile.user.email,
          })
        ).accountId;
        await db.coachProfile.updateMany({
          where: { id: profile.id, stripeAccountId: null },
          data: { stripeAccountId: accountId },
        });
        // The new account is paid out on the tenant's schedule; a failure here is retried by a job.
        await applyPayoutSchedule(profile.id).catch(async (e: unknown) => {
          log.error("could not set the payout schedule of a new account", {
            coachProfileId: profile.id,
            error: String(e),
          });
          if (jobs) await jobs.send("payouts.apply-schedule", { coachProfileId: profile.id });
        });
      }
      return provider.createOnboardingLink({
        accountId,
        coachProfileId: profile.id,
        refreshUrl: back,
        returnUrl: back,
        now: now(),
      });
    },

    /** Whether the coach can be paid (and so can sell when Stripe is configured). */
    async coachPayoutStatus(actor: Actor) {
      const profile = await ownCoachProfile(actor);
      let payoutsEnabled = profile.payoutsEnabled;
      if (provider.kind === "stripe" && profile.stripeAccountId && !payoutsEnabled) {
        payoutsEnabled = await provider.payoutsEnabled(profile.stripeAccountId);
        if (payoutsEnabled) await db.coachProfile.update({ where: { id: profile.id }, data: { payoutsEnabled } });
      }
      return {
        provider: provider.kind,
        accountConnected: provider.kind === "local" ? payoutsEnabled : profile.stripeAccountId !== null,
        payoutsEnabled,
        canSell: provider.kind === "local" || payoutsEnabled,
      };
    },
  };
}

export type AccountsModule = ReturnType<typeof createAccounts>;
