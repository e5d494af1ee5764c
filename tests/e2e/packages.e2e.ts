import { describe, expect, it } from "vitest";
import { query as sql, signedIn as signIn } from "../helpers/e2e.ts";
import { useBrowserStack } from "../helpers/stack.ts";

const stack = useBrowserStack();
const signedIn = (email: string) => signIn(stack, email);
const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(stack, text, params);

describe("packages of sessions", () => {
  it("a coach sells a package; a client buys it in test mode, books with a credit and sees the credits go down; the coach sees the booking", async () => {
    const coach = await signedIn("coach@tandem.test");
    // Hours every day, so that the client finds free times.
    await coach.page.goto(`${stack.server.url}/coaching/availability`);
    await coach.page.getByLabel("Time zone").fill("Europe/Amsterdam");
    for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]) {
      await coach.page.getByLabel(`${day} from`, { exact: true }).fill("08:00");
      await coach.page.getByLabel(`${day} until`, { exact: true }).fill("20:00");
    }
    await coach.page.getByLabel("Minimum notice (hours)").fill("0");
    await coach.page.getByLabel("Start times every (minutes)").fill("60");
    await coach.page.getByRole("button", { name: "Save availability" }).click();
    await coach.page.getByText("Availability saved.").waitFor();

    const [row] = await query<{ coachId: string; serviceId: string; serviceName: string; priceMinor: number }>(
      `SELECT c.id AS "coachId", s.id AS "serviceId", s.name AS "serviceName", s."priceMinor" FROM "CoachProfile" c JOIN "User" u ON u.id = c."userId" JOIN "Service" s ON s."coachProfileId" = c.id WHERE u.email = 'coach@tandem.test' AND s.status = 'ACTIVE' ORDER BY s."createdAt" LIMIT 1`,
    );
    const packagePrice = (row!.priceMinor * 3 - 1500) / 100;

    // The coach creates a package of 3 sessions from the services page.
    await coach.page.goto(`${stack.server.url}/coaching/services`);
    await coach.page.getByRole("main").getByRole("link", { name: "Packages" }).click();
    await coach.page.waitForURL(`${stack.server.url}/coaching/packages`);
    const form = coach.page.getByRole("region", { name: "New package" });
    await form.getByLabel("Service").selectOption(row!.serviceId);
    await form.getByLabel("Name").fill("Three sessions");
    await form.getByLabel("Sessions").fill("3");
    await form.getByLabel(/^Package price/).fill(packagePrice.toFixed(2));
    await form.getByText("Clients save €15.00").waitFor();
    await form.getByRole("button", { name: "Create package" }).click();
    await coach.page.getByText("Package created").waitFor();
    await coach.page
      .getByRole("list", { name: "Packages" })
      .getByRole("listitem", { name: "Three sessions" })
      .waitFor();

    // The client sees it on the coach's page with its saving, and buys it in test mode.
    const client = await signedIn("client@tandem.test");
    await client.page.goto(`${stack.server.url}/coaches/${row!.coachId}`);
    const offer = client.page.getByRole("listitem", { name: "Three sessions" });
    await offer.getByText("Save €15.00").waitFor();
    await offer.getByRole("button", { name: "Buy Three sessions" }).click();
    await client.page.waitForURL(/\/pay\/local\/package\/[0-9a-f-]{36}$/);
    await client.page.getByText(/the credit returns to your package/).waitFor();
    await client.page.getByRole("button", { name: "Pay (test mode)" }).click();
    await client.page.waitForURL(/\/packages\?paid=/);
    await client.page.getByText("Thank you! Three sessions is paid: 3 of 3 credits left.").waitFor();

    // The coach's page shows the credits; the booking page offers to use one.
    await client.page.goto(`${stack.server.url}/coaches/${row!.coachId}`);
    await client.page
      .getByRole("list", { name: "Your packages with this coach" })
      .getByText("3 of 3 credits left")
      .waitFor();
    await client.page.getByRole("link", { name: `Book ${row!.serviceName}` }).click();
    await client.page.getByLabel("Use a package credit (3 left)").waitFor();
    expect(await client.page.getByLabel("Use a package credit (3 left)").isChecked()).toBe(true);
    await client.page.getByText(/This session uses a package credit/).waitFor();
    const slot = client.page.locator('input[name="startsAt"]').last();
    const startsAt = await slot.getAttribute("value");
    await slot.locator("xpath=..").click();
    await client.page.getByRole("button", { name: "Book with a credit" }).click();
    await client.page.waitForURL(/\/bookings\/[0-9a-f-]{36}$/);
    const bookingId = /\/bookings\/([0-9a-f-]{36})/.exec(client.page.url())![1]!;
    await client.page.getByText("One package credit").waitFor();
    const [booking] = await query<{
      status: string;
      priceMinor: number;
      startsAt: Date;
      packagePurchaseId: string | null;
    }>(`SELECT status::text, "priceMinor", "startsAt", "packagePurchaseId" FROM "Booking" WHERE id = $1`, [bookingId]);
    expect(booking).toMatchObject({ status: "CONFIRMED", priceMinor: 0 });
    expect(booking!.startsAt.toISOString()).toBe(startsAt);
    expect(booking!.packagePurchaseId).not.toBeNull();

    // The credits left went down.
    await client.page.goto(`${stack.server.url}/packages`);
    await client.page.getByRole("listitem", { name: "Three sessions" }).getByText("2 of 3 credits left").waitFor();

    // The coach sees the booking.
    const [clientUser] = await query<{ name: string }>(`SELECT name FROM "User" WHERE email = 'client@tandem.test'`);
    await coach.page.goto(`${stack.server.url}/coaching/bookings`);
    await coach.page.locator(`a[href="/bookings/${bookingId}"]`).getByText(clientUser!.name).waitFor();

    await client.context.close();
    await coach.context.close();
  });
});
