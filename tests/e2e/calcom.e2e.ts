import { afterAll, describe, expect, it } from "vitest";
import { logIn } from "../helpers/browser.ts";
import { fakeCalcom, GOOD_KEY } from "../helpers/fake-calcom.ts";
import { useBrowserStack } from "../helpers/stack.ts";

// The built server talks to a fake Cal.com API through CALCOM_API_URL.
const cal = fakeCalcom();
const port = await cal.listen();
const stack = useBrowserStack({
  CALCOM_API_URL: `http://127.0.0.1:${port}`,
  CALCOM_WEBHOOK_SECRET: "e2e-calcom-secret",
});
afterAll(() => cal.close());

describe("Cal.com for a coach", () => {
  it("connects with an API key, then a new service gets its Cal.com event type; a Cal.com failure keeps what was typed", async () => {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    await logIn(page, stack.server.url, "coach@tandem.test", "tandem-demo");

    // From the profile page to the integrations page.
    await page.goto(`${stack.server.url}/coaching/profile`);
    await page.getByRole("link", { name: "Integrations (Cal.com)" }).click();
    await page.waitForURL(`${stack.server.url}/coaching/integrations`);
    await page.getByRole("heading", { name: "Integrations" }).waitFor();
    await expect(page.getByRole("textbox", { name: "Secret" }).inputValue()).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await page.getByRole("textbox", { name: "Subscriber URL" }).inputValue()).toMatch(
      /\/webhooks\/calcom\?coach=[0-9a-f-]{36}$/,
    );

    // A key Cal.com refuses: Cal.com's answer is shown next to the field.
    const key = page.getByLabel("Cal.com API key");
    expect(await key.getAttribute("type")).toBe("password");
    await key.fill("cal_live_not_a_real_key");
    await page.getByRole("button", { name: "Connect Cal.com" }).click();
    await page.getByText(/Cal\.com did not accept this key: .*Invalid API Key/).waitFor();

    await page.getByLabel("Cal.com API key").fill(GOOD_KEY);
    await page.getByRole("button", { name: "Connect Cal.com" }).click();
    await page.getByText("Cal.com is connected as fake-coach.").waitFor();
    await page.getByText("Connected", { exact: true }).waitFor();
    await page.getByText("WXYZ", { exact: true }).waitFor();
    expect(await page.content()).not.toContain(GOOD_KEY);

    // A new service is created in Cal.com too.
    await page.goto(`${stack.server.url}/coaching/services`);
    const form = page.getByRole("region", { name: "New service" });
    await form.getByLabel("Name").fill("Cal Sync Session");
    await form.getByLabel(/^Price/).fill("70");
    await form.getByLabel("Duration (minutes)").fill("45");
    await form.getByRole("button", { name: "Create service" }).click();
    await page.getByText("Service created.").waitFor();
    const item = page.getByRole("listitem", { name: "Cal Sync Session" });
    await item.getByText("In Cal.com").waitFor();
    const [sent] = cal.requests("POST", "/v2/event-types");
    expect(sent!.body).toMatchObject({
      title: "Cal Sync Session",
      lengthInMinutes: 45,
      slug: expect.stringMatching(/^cal-sync-session-[0-9a-f]{8}$/),
    });
    expect(sent!.headers["cal-api-version"]).toBe("2024-06-14");

    // Cal.com fails: nothing is created, the reason is shown and the typed values stay.
    cal.failNext("POST /v2/event-types");
    await form.getByLabel("Name").fill("Broken Sync");
    await form.getByLabel(/^Price/).fill("80");
    await form.getByRole("button", { name: "Create service" }).click();
    await form
      .getByRole("alert")
      .getByText(/Cal\.com is unavailable \(500/)
      .waitFor();
    expect(await form.getByLabel("Name").inputValue()).toBe("Broken Sync");
    expect(await form.getByLabel(/^Price/).inputValue()).toBe("80");
    expect(await page.getByRole("listitem", { name: "Broken Sync" }).count()).toBe(0);
    await context.close();
  });
});
