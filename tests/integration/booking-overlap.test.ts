import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createCoach, createTenant, createUser } from "../helpers/factories.ts";

/** The database itself refuses overlapping PENDING/CONFIRMED bookings of one coach. */
let app: TestApp;
let coach: Awaited<ReturnType<typeof createCoach>>;
let other: Awaited<ReturnType<typeof createCoach>>;
let clientId: string;

beforeAll(async () => {
  app = await createTestApp();
  const tenant = await createTenant(app);
  coach = await createCoach(app, tenant);
  other = await createCoach(app, tenant);
  clientId = (await createUser(app, tenant)).user.id;
});
afterAll(() => app?.close());

const at = (h: number, m = 0) => new Date(Date.UTC(2026, 5, 1, h, m));
const insert = (
  c: { profile: { id: string; tenantId: string } },
  start: Date,
  end: Date,
  status: "PENDING" | "CONFIRMED" | "CANCELLED" | "COMPLETED" = "CONFIRMED",
) =>
  app.db.booking.create({
    data: {
      tenantId: c.profile.tenantId,
      coachProfileId: c.profile.id,
      clientId,
      status,
      startsAt: start,
      endsAt: end,
    },
  });

const constraintOf = (error: unknown) => JSON.stringify(error).match(/booking_no_overlap/)?.[0];

describe("booking exclusion constraint", () => {
  it("refuses an overlapping booking of the same coach, whatever the statuses PENDING or CONFIRMED", async () => {
    await insert(coach, at(9), at(10), "CONFIRMED");
    const error = await insert(coach, at(9, 30), at(10, 30), "PENDING").catch((e: unknown) => e);
    expect(constraintOf(error)).toBe("booking_no_overlap");
    expect(await app.db.booking.count({ where: { coachProfileId: coach.profile.id } })).toBe(1);
  });

  it("allows back-to-back bookings, other coaches, and overlaps with cancelled or completed ones", async () => {
    await insert(coach, at(10), at(11), "PENDING"); // starts when the 9–10 one ends
    await insert(other, at(9, 30), at(10, 30)); // another coach
    await insert(coach, at(11, 30), at(12, 30), "CANCELLED");
    await insert(coach, at(11, 30), at(12, 30), "CONFIRMED"); // the cancelled one does not count
    await insert(coach, at(11, 45), at(12), "COMPLETED");
    expect(await app.db.booking.count({ where: { coachProfileId: coach.profile.id } })).toBe(5);
  });

  it("makes a cancelled booking's time bookable again, and refuses to re-activate into a clash", async () => {
    const first = await insert(coach, at(14), at(15), "CANCELLED");
    await insert(coach, at(14), at(15), "CONFIRMED");
    const error = await app.db.booking
      .update({ where: { id: first.id }, data: { status: "CONFIRMED" } })
      .catch((e: unknown) => e);
    expect(constraintOf(error)).toBe("booking_no_overlap");
  });

  it("refuses a booking that ends before it starts, and money that does not add up", async () => {
    await expect(insert(coach, at(18), at(17))).rejects.toThrow(/booking_ends_after_start/);
    await expect(
      app.db.booking.create({
        data: {
          tenantId: coach.profile.tenantId,
          coachProfileId: coach.profile.id,
          clientId,
          startsAt: at(20),
          endsAt: at(21),
          priceMinor: 1000,
          platformFeeMinor: 150,
          coachPayoutMinor: 800,
        },
      }),
    ).rejects.toThrow(/booking_money_adds_up/);
  });
});
