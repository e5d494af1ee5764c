import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useBrowserStack } from "../helpers/stack.ts";
import { logIn } from "../helpers/browser.ts";

const stack = useBrowserStack();

const onlineList = (page: Page) => page.getByRole("list", { name: "Online now" });

/** Marks the current document; `stillSameDocument` is false after any reload or full navigation. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __e2eMark: number }).__e2eMark = 1));
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __e2eMark?: number }).__e2eMark === 1);

describe("who is online", () => {
  it("shows people arriving and leaving live, and delivers a wave", async () => {
    const clientContext = await stack.browser.newContext();
    const coachContext = await stack.browser.newContext();
    try {
      const client = await clientContext.newPage();
      await logIn(client, stack.server.url, "client@tandem.test", "tandem-demo");
      // Alone at first: the card says so once the socket has answered.
      await client.getByText("Nobody else is online right now").waitFor();
      await markDocument(client);

      const coach = await coachContext.newPage();
      await logIn(coach, stack.server.url, "coach@tandem.test", "tandem-demo");
      await markDocument(coach);

      // Each sees the other, without reloading.
      await onlineList(client).getByRole("listitem").filter({ hasText: "Casey Coach" }).waitFor();
      await onlineList(coach).getByRole("listitem").filter({ hasText: "Chris Client" }).waitFor();
      expect(
        await onlineList(client)
          .getByRole("listitem")
          .filter({ hasText: "Casey Coach" })
          .getByText("Coach", { exact: true })
          .count(),
      ).toBe(1);
      // Nobody is listed as online to themselves.
      expect(await onlineList(client).getByText("Chris Client").count()).toBe(0);
      expect(await onlineList(coach).getByText("Casey Coach").count()).toBe(0);

      // A wave from the client shows a toast at the coach's end, and a confirmation at the client's.
      expect(await coach.getByText(/waved at you/).count()).toBe(0);
      await client.getByRole("button", { name: "Wave at Casey Coach" }).click();
      await coach.getByRole("status").filter({ hasText: "Chris Client waved at you" }).waitFor();
      await client.getByRole("status").filter({ hasText: "You waved at Casey Coach." }).waitFor();
      // The wave went to the coach only.
      expect(await client.getByText(/waved at you/).count()).toBe(0);

      expect(await stillSameDocument(coach)).toBe(true);

      // The coach closes Tandem: the client sees them go.
      await coachContext.close();
      await onlineList(client).getByText("Casey Coach").waitFor({ state: "detached" });
      await client.getByText("Nobody else is online right now").waitFor();

      expect(await stillSameDocument(client)).toBe(true);
    } finally {
      await clientContext.close();
      await coachContext.close().catch(() => undefined);
    }
  });
});
