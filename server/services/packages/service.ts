import { AppError, forbidden, notFound } from "@server/errors.ts";
import type { Actor } from "@server/policies/coaching.ts";
import { resolveFeeBps, splitPayment } from "../bookings/money.ts";
import { describeCreditPolicy } from "../bookings/policy.ts";
import type { ServiceDeps } from "../deps.ts";

export interface PackageInput {
  serviceId: string;
  name: string;
  description: string;
  sessionCount: number;
  priceMinor: number;
}

/** What a package saves against booking its sessions one by one (never negative). */
export const packageSaving = (p: { sessionCount: number; priceMinor: number }, servicePriceMinor: number) =>
  Math.max(0, p.sessionCount * servicePriceMinor - p.priceMinor);

const packageSelect = {
  id: true,
  name: true,
  description: true,
  sessionCount: true,
  priceMinor: true,
  currency: true,
  status: true,
  serviceId: true,
  service: { select: { name: true, priceMinor: true, durationMinutes: true, status: true } },
} as const;

type PackageRow = {
  sessionCount: number;
  priceMinor: number;
  service: { name: string; priceMinor: number; durationMinutes: number; status: string };
};
const withSaving = <T extends PackageRow>(p: T) => ({
  ...p,
  serviceName: p.service.name,
  singleTotalMinor: p.sessionCount * p.service.priceMinor,
  savingMinor: packageSaving(p, p.service.priceMinor),
});

/**
 * Packages: a coach sells N sessions of one service for one price; the client pays once (through
 * the payments service's checkout and confirmation path) and books session by session with
 * credits. The money of a package lives on its PackagePurchase and its ledger rows; a booking made
 * with a credit carries no money of its own (see docs/decisions/009-package-credits.md).
 */
export function createPackageService({ db, env }: ServiceDeps) {
  async function ownCoach(actor: Actor) {
    const profile = await db.coachProfile.findUnique({
      where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } },
      select: { id: true, status: true },
    });
    if (!profile || (profile.status !== "APPROVED" && profile.status !== "SUSPENDED"))
      throw forbidden("Only approved coaches offer packages.");
    return profile;
  }

  async function validate(actor: Actor, coachProfileId: string, input: PackageInput) {
    const service = await db.service.findFirst({
      where: { id: input.serviceId, coachProfileId, tenantId: actor.tenantId },
      select: { id: true, status: true, priceMinor: true, currency: true },
    });
    if (!service)
      throw new AppError("BAD_REQUEST", "Choose one of your services.", {
        serviceId: ["Choose one of your services."],
      });
    if (service.status !== "ACTIVE")
      throw new AppError("BAD_REQUEST", "Packages are for services you offer now.", {
        serviceId: ["This service is archived."],
      });
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: actor.tenantId },
      select: { minServicePriceMinor: true },
    });
    const fieldErrors: Record<string, string[]> = {};
    if (input.priceMinor < tenant.minServicePriceMinor)
      fieldErrors.priceMinor = [
        `The organisation's minimum price is ${(tenant.minServicePriceMinor / 100).toFixed(2)} ${service.currency}.`,
      ];
    else if (input.priceMinor > input.sessionCount * service.priceMinor)
      fieldErrors.priceMinor = [
        `A package cannot cost more than its ${input.sessionCount} sessions booked one by one (${((input.sessionCount * service.priceMinor) / 100).toFixed(2)} ${service.currency}).`,
      ];
    if (Object.keys(fieldErrors).length)
      throw new AppError("BAD_REQUEST", "Please correct the highlighted fields.", fieldErrors);
    return service;
  }

  async function ownPackage(coachProfileId: string, packageId: string) {
    const row = await db.package.findFirst({ where: { id: packageId, coachProfileId }, select: { id: true } });
    if (!row) throw notFound("That package");
    return row;
  }

  return {
    /** The coach's packages (archived ones too), with what each saves. */
    async listMine(actor: Actor) {
      const profile = await ownCoach(actor);
      const rows = await db.package.findMany({
        where: { coachProfileId: profile.id },
        select: packageSelect,
        orderBy: [{ status: "asc" }, { createdAt: "asc" }],
      });
      return rows.map(withSaving);
    },

    async create(actor: Actor, input: PackageInput) {
      const profile = await ownCoach(actor);
      const service = await validate(actor, profile.id, input);
      const row = await db.package.create({
        data: {
          tenantId: actor.tenantId,
          coachProfileId: profile.id,
          serviceId: service.id,
          name: input.name,
          description: input.description,
          sessionCount: input.sessionCount,
          priceMinor: input.priceMinor,
          currency: service.currency,
        },
        select: packageSelect,
      });
      return withSaving(row);
    },

    /** Changes apply to later purchases; a purchase keeps the sessions and price it was bought with. */
    async update(actor: Actor, packageId: string, input: PackageInput) {
      const profile = await ownCoach(actor);
      await ownPackage(profile.id, packageId);
      const service = await validate(actor, profile.id, input);
      const row = await db.package.update({
        where: { id: packageId },
        data: {
          serviceId: service.id,
          name: input.name,
          description: input.description,
          sessionCount: input.sessionCount,
          priceMinor: input.priceMinor,
          currency: service.currency,
        },
        select: packageSelect,
      });
      return withSaving(row);
    },

    /** Archived packages are no longer sold; credits already bought stay usable. */
    async setArchived(actor: Actor, packageId: string, archived: boolean) {
      const profile = await ownCoach(actor);
      await ownPackage(profile.id, packageId);
      const row = await db.package.update({
        where: { id: packageId },
        data: { status: archived ? "ARCHIVED" : "ACTIVE" },
        select: packageSelect,
      });
      return withSaving(row);
    },

    /** What happens to a credit when its session is cancelled or moved, in this tenant's terms. */
    async creditPolicy(actor: Actor) {
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { id: actor.tenantId },
        select: { cancellationFullRefundHours: true, lateCancellationRefundPercent: true },
      });
      return {
        policy: describeCreditPolicy({
          fullRefundHours: tenant.cancellationFullRefundHours,
          lateRefundPercent: tenant.lateCancellationRefundPercent,
        }),
        fullRefundHours: tenant.cancellationFullRefundHours,
      };
    },

    /** A coach's packages on sale (active package, active service, approved coach), for clients of the tenant. */
    async forCoach(actor: Actor, coachProfileId: string) {
      const rows = await db.package.findMany({
        where: {
          coachProfileId,
          tenantId: actor.tenantId,
          status: "ACTIVE",
          service: { status: "ACTIVE" },
          coachProfile: { status: "APPROVED" },
        },
        select: packageSelect,
        orderBy: { priceMinor: "asc" },
      });
      return rows.map(withSaving);
    },

    /** The viewer's paid packages (with credits, newest first) and purchases waiting for payment. */
    async mine(actor: Actor, filter: { coachProfileId?: string; serviceId?: string } = {}) {
      const rows = await db.packagePurchase.findMany({
        where: { tenantId: actor.tenantId, clientId: actor.userId, status: { in: ["PAID", "PENDING"] }, ...filter },
        orderBy: [{ status: "asc" }, { createdAt: "desc" }],
        select: {
          id: true,
          status: true,
          sessionsTotal: true,
          creditsRemaining: true,
          priceMinor: true,
          currency: true,
          paidAt: true,
          serviceId: true,
          coachProfileId: true,
          package: {
            select: {
              name: true,
              service: { select: { name: true } },
              coachProfile: { select: { displayName: true } },
            },
          },
        },
      });
      return rows.map(({ package: p, ...r }) => ({
        ...r,
        packageName: p.name,
        serviceName: p.service.name,
        coachName: p.coachProfile.displayName,
      }));
    },

    /**
     * Starts buying a package: a PENDING purchase with the price and fee split of now. Asking
     * again before paying reuses the same pending purchase (one checkout per purchase).
     */
    async startPurchase(actor: Actor, packageId: string) {
      const pkg = await db.package.findFirst({
        where: { id: packageId, tenantId: actor.tenantId, status: "ACTIVE", service: { status: "ACTIVE" } },
        select: {
          id: true,
          name: true,
          sessionCount: true,
          priceMinor: true,
          currency: true,
          serviceId: true,
          service: { select: { name: true, premiumOnly: true } },
          coachProfile: {
            select: {
              id: true,
              status: true,
              userId: true,
              displayName: true,
              platformFeeBpsOverride: true,
              payoutsEnabled: true,
              stripeAccountId: true,
            },
          },
        },
      });
      if (!pkg || pkg.coachProfile.status !== "APPROVED") throw notFound("That package");
      if (pkg.coachProfile.userId === actor.userId) throw forbidden("You cannot buy your own package.");
      // With real payments, a coach sells only once their payouts account can receive money.
      if (env.STRIPE_SECRET_KEY && !pkg.coachProfile.payoutsEnabled) {
        throw new AppError(
          "CONFLICT",
          "This coach cannot sell packages yet: their payouts are not set up. Please try again later.",
        );
      }
      if (pkg.service.premiumOnly) {
        const membership = await db.membership.findFirst({
          where: { tenantId: actor.tenantId, userId: actor.userId },
          select: { premium: true },
        });
        if (!membership?.premium) throw forbidden("This package is for premium members.");
      }
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { id: actor.tenantId },
        select: { platformFeeBps: true },
      });
      const money = splitPayment(
        pkg.priceMinor,
        resolveFeeBps(pkg.coachProfile.platformFeeBpsOverride, tenant.platformFeeBps),
      );
      const terms = {
        packageId: pkg.id,
        clientId: actor.userId,
        status: "PENDING" as const,
        sessionsTotal: pkg.sessionCount,
        ...money,
        currency: pkg.currency,
      };
      const purchase =
        (await db.packagePurchase.findFirst({
          where: { tenantId: actor.tenantId, ...terms },
          orderBy: { createdAt: "desc" },
        })) ??
        (await db.packagePurchase.create({
          data: {
            tenantId: actor.tenantId,
            coachProfileId: pkg.coachProfile.id,
            serviceId: pkg.serviceId,
            creditsRemaining: 0,
            ...terms,
          },
        }));
      return { purchase, pkg };
    },

    /** A purchase of the viewer's own, for its checkout page; anyone else gets "not found". */
    async ownPurchase(actor: Actor, purchaseId: string) {
      const row = await db.packagePurchase.findFirst({
        where: { id: purchaseId, tenantId: actor.tenantId, clientId: actor.userId },
        select: {
          id: true,
          tenantId: true,
          status: true,
          sessionsTotal: true,
          creditsRemaining: true,
          priceMinor: true,
          platformFeeMinor: true,
          currency: true,
          coachProfileId: true,
          package: {
            select: {
              name: true,
              service: { select: { name: true } },
              coachProfile: { select: { displayName: true, payoutsEnabled: true, stripeAccountId: true } },
            },
          },
        },
      });
      if (!row) throw notFound("That package purchase");
      return row;
    },

    /** Payment arrived (the payments service's confirmation path): credits become usable. Repeating it changes nothing. */
    async confirmPaid(purchaseId: string, paidAt: Date) {
      const current = await db.packagePurchase.findUnique({
        where: { id: purchaseId },
        select: { status: true, sessionsTotal: true },
      });
      if (!current) throw notFound("That package purchase");
      if (current.status === "PAID") return { confirmed: false };
      const { count } = await db.packagePurchase.updateMany({
        where: { id: purchaseId, status: "PENDING" },
        data: { status: "PAID", creditsRemaining: current.sessionsTotal, paidAt },
      });
      if (count === 0) {
        const again = await db.packagePurchase.findUniqueOrThrow({
          where: { id: purchaseId },
          select: { status: true },
        });
        if (again.status === "PAID") return { confirmed: false };
        throw new AppError("CONFLICT", "This package purchase was cancelled.");
      }
      return { confirmed: true };
    },
  };
}

export type PackageService = ReturnType<typeof createPackageService>;
