import pg from "pg";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { logIn } from "../helpers/browser.ts";
import { useBrowserStack } from "../helpers/stack.ts";

const stack = useBrowserStack();
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: stack.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
});

/** A confirmed booking of the demo coach with the demo client, starting `startsInMin` from the server's (real) now. */
async function booking(sessionType: "VIDEO" | "PHONE" | "CHAT", startsInMin: number): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO "Booking" (id, "tenantId", "coachProfileId", "clientId", "serviceId", status, "sessionType", "startsAt", "endsAt", "confirmedAt", "updatedAt")
     SELECT gen_random_uuid(), c."tenantId", c.id, cl.id, s.id, 'CONFIRMED', $1::"SessionType", now() + make_interval(mins => $2), now() + make_interval(mins => $2 + 60), now(), now()
     FROM "CoachProfile" c JOIN "User" u ON u.id = c."userId" JOIN "Service" s ON s."coachProfileId" = c.id, "User" cl
     WHERE u.email = 'coach@tandem.test' AND cl.email = 'client@tandem.test' LIMIT 1 RETURNING id`,
    [sessionType, startsInMin],
  );
  return rows[0]!.id;
}

/** Records every RTCPeerConnection the page makes, so that the test can read its statistics. */
const RECORD_PEER_CONNECTIONS = () => {
  const Original = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = made;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
    }
  } as typeof RTCPeerConnection;
};

const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
});

async function participant(email: string) {
  const context = await stack.browser.newContext();
  contexts.push(context);
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
  const page = await context.newPage();
  await logIn(page, stack.server.url, email, "tandem-demo");
  return { context, page };
}

/** Waits until the named remote video shows live frames: a size, and frames still arriving. */
async function seesLiveVideo(page: Page, name: string) {
  const video = page.getByLabel(`Video of ${name}`);
  await video.waitFor({ state: "attached" });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 })
    .toBeGreaterThan(0);
  const frames = await video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        let count = 0;
        const start = v.currentTime;
        const onFrame = () => {
          count++;
          if (count < 10) v.requestVideoFrameCallback(onFrame);
          else resolve(v.currentTime - start);
        };
        v.requestVideoFrameCallback(onFrame);
        setTimeout(() => resolve(-1), 10_000);
      }),
  );
  expect(frames).toBeGreaterThan(0); // ten new frames arrived and playback moved on
}

/** Received audio from the live peer connection: bytes keep arriving and carry sound energy. */
async function hearsAudio(page: Page) {
  const sample = () =>
    page.evaluate(async () => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter(
        (pc) => pc.connectionState === "connected",
      );
      let bytes = 0;
      let energy = 0;
      for (const pc of pcs)
        (await pc.getStats()).forEach((s: RTCStats & Record<string, number>) => {
          if (s.type === "inbound-rtp" && (s as unknown as { kind: string }).kind === "audio") {
            bytes += s.bytesReceived ?? 0;
            energy += s.totalAudioEnergy ?? 0;
          }
        });
      return { bytes, energy };
    });
  const first = await sample();
  await expect.poll(async () => (await sample()).bytes, { timeout: 10_000 }).toBeGreaterThan(first.bytes);
  await expect.poll(async () => (await sample()).energy, { timeout: 10_000 }).toBeGreaterThan(first.energy);
}

async function join(page: Page, bookingId: string) {
  await page.goto(`${stack.server.url}/sessions/${bookingId}`);
  await page.getByRole("heading", { name: "Check your camera and microphone" }).waitFor();
  await expect
    .poll(() => page.getByLabel("Your camera preview").evaluate((v: HTMLVideoElement) => v.videoWidth), {
      timeout: 15_000,
    })
    .toBeGreaterThan(0);
  await page.getByRole("button", { name: "Join now" }).click();
  await page.getByRole("toolbar", { name: "Call controls" }).waitFor();
}

describe("live session room", () => {
  it(
    "coach and client see and hear each other over the direct call, chat, and the chat survives a reload",
    { timeout: 180_000 },
    async () => {
      const bookingId = await booking("VIDEO", -5);
      const coach = await participant("coach@tandem.test");
      const client = await participant("client@tandem.test");

      // The booking page offers the way in while the room is open.
      await client.page.goto(`${stack.server.url}/bookings`);
      await client.page.getByRole("link", { name: "Join session" }).first().waitFor();
      await client.page.goto(`${stack.server.url}/bookings/${bookingId}`);
      await client.page.getByRole("link", { name: "Join session" }).waitFor();

      await join(coach.page, bookingId);
      await coach.page.getByText("Waiting for Chris Client to join…").waitFor();
      await join(client.page, bookingId);

      await seesLiveVideo(coach.page, "Chris Client");
      await seesLiveVideo(client.page, "Casey Coach");
      await hearsAudio(coach.page);
      await hearsAudio(client.page);
      await coach.page.getByText(/^Connection: (Excellent|Good)$/).waitFor({ timeout: 15_000 });

      // Controls: muting is shown and can be undone.
      await client.page.getByRole("button", { name: "Mute" }).click();
      await client.page.getByRole("button", { name: "Unmute" }).waitFor();
      await client.page.getByRole("button", { name: "Unmute" }).click();
      await client.page.getByRole("button", { name: "Mute" }).waitFor();

      // Switching the microphone mid-call keeps the sound flowing to the other side.
      await client.page.getByRole("button", { name: "Devices" }).click();
      const microphones = client.page.locator("#call-devices").getByLabel("Microphone");
      const options = await microphones
        .locator("option")
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(options.length).toBeGreaterThan(1);
      const current = await microphones.inputValue();
      const other = options.find((v) => v !== "default" && v !== current)!;
      await microphones.selectOption(other);
      await expect.poll(() => microphones.inputValue(), { timeout: 15_000 }).toBe(other);
      await expect.poll(() => microphones.isEnabled(), { timeout: 15_000 }).toBe(true); // the switch finished
      expect(await client.page.getByRole("alert").count()).toBe(0);
      await hearsAudio(coach.page);

      // The coach shares their screen (the other side keeps receiving live video), then stops; the camera turns off and on.
      await coach.page.getByRole("button", { name: "Share screen" }).click();
      await coach.page.getByRole("button", { name: "Stop sharing" }).waitFor();
      await seesLiveVideo(client.page, "Casey Coach");
      await coach.page.getByRole("button", { name: "Stop sharing" }).click();
      await coach.page.getByRole("button", { name: "Share screen" }).waitFor();
      await coach.page.getByRole("button", { name: "Turn camera off" }).click();
      await coach.page.getByText("Camera off").waitFor();
      await coach.page.getByRole("button", { name: "Turn camera on" }).click();
      await coach.page.getByRole("button", { name: "Turn camera off" }).waitFor();
      expect(await coach.page.getByRole("alert").count()).toBe(0);

      // Chat in the room, both ways.
      const say = async (page: Page, text: string) => {
        await page.getByLabel("Message", { exact: true }).fill(text);
        await page.getByRole("button", { name: "Send" }).click();
      };
      await say(client.page, "Hello from the client");
      await coach.page.getByRole("list", { name: "Messages" }).getByText("Hello from the client").waitFor();
      await say(coach.page, "Hello back from the coach");
      await client.page.getByRole("list", { name: "Messages" }).getByText("Hello back from the coach").waitFor();

      // The client reloads: the chat history is intact, and the call resumes after joining again.
      await client.page.reload();
      await client.page.getByRole("list", { name: "Messages" }).getByText("Hello from the client").waitFor();
      await client.page.getByRole("list", { name: "Messages" }).getByText("Hello back from the coach").waitFor();
      await coach.page.getByText("Waiting for Chris Client to join…").waitFor({ timeout: 15_000 });
      await join(client.page, bookingId);
      await seesLiveVideo(coach.page, "Chris Client");
      await seesLiveVideo(client.page, "Casey Coach");

      // Leaving ends the call for both sides' views and is recorded.
      await client.page.getByRole("button", { name: "Leave" }).click();
      await client.page.getByRole("heading", { name: "You left the session" }).waitFor();
      await coach.page.getByText("Waiting for Chris Client to join…").waitFor({ timeout: 15_000 });
      const { rows } = await db.query<{ email: string; transport: string; open: boolean }>(
        `SELECT u.email, a.transport, a."leftAt" IS NULL AS open FROM "Attendance" a JOIN "User" u ON u.id = a."userId" WHERE a."bookingId" = $1 ORDER BY a."joinedAt"`,
        [bookingId],
      );
      expect(rows.map((r) => r.email)).toEqual(["coach@tandem.test", "client@tandem.test", "client@tandem.test"]);
      expect(rows.every((r) => r.transport === "p2p")).toBe(true);
      expect(rows.filter((r) => r.open).map((r) => r.email)).toEqual(["coach@tandem.test"]);
    },
  );

  it("explains the room to someone outside the booking, and before it opens", { timeout: 120_000 }, async () => {
    const bookingId = await booking("VIDEO", 90);
    const outsider = await participant("certified@tandem.test");
    const response = await outsider.page.goto(`${stack.server.url}/sessions/${bookingId}`);
    expect(response?.status()).toBe(404);
    await outsider.page.getByRole("heading", { name: "Session not found" }).waitFor();
    await outsider.page.getByText("not one of its participants").waitFor();
    // An id that does not exist reads the same.
    await outsider.page.goto(`${stack.server.url}/sessions/00000000-0000-4000-8000-000000000000`);
    await outsider.page.getByRole("heading", { name: "Session not found" }).waitFor();

    const client = await participant("client@tandem.test");
    await client.page.goto(`${stack.server.url}/sessions/${bookingId}`);
    await client.page.getByRole("heading", { name: "The room is not open yet" }).waitFor();
    await client.page
      .getByText(/The room opens 10 minutes before the session starts, at .+ \(your time zone/)
      .waitFor();
    await client.page
      .getByRole("timer")
      .getByText(/^1 h 1\d min$/)
      .waitFor();
    await client.page.getByRole("link", { name: "Back to the booking" }).waitFor();
  });

  it("a phone session is audio only, and a chat session is the chat alone", { timeout: 120_000 }, async () => {
    const phoneId = await booking("PHONE", 160);
    const chatId = await booking("CHAT", 250);
    // Each in turn moves into the open window (the earlier session of this coach counts as done).
    await db.query(`UPDATE "Booking" SET status = 'COMPLETED' WHERE status = 'CONFIRMED' AND "startsAt" < now()`);
    await db.query(
      `UPDATE "Booking" SET "startsAt" = now() - interval '1 minute', "endsAt" = now() + interval '59 minutes' WHERE id = $1`,
      [phoneId],
    );
    const client = await participant("client@tandem.test");
    await client.page.goto(`${stack.server.url}/sessions/${phoneId}`);
    await client.page.getByRole("heading", { name: "Check your microphone" }).waitFor();
    expect(await client.page.getByLabel("Your camera preview").count()).toBe(0);
    expect(await client.page.getByLabel("Camera", { exact: true }).count()).toBe(0);
    await client.page.getByRole("button", { name: "Join now" }).click();
    await client.page.getByText("Waiting for Casey Coach to join…").waitFor();
    expect(await client.page.getByRole("button", { name: "Share screen" }).count()).toBe(0);
    await client.page.getByRole("button", { name: "Leave" }).click();
    await client.page.getByRole("heading", { name: "You left the session" }).waitFor();

    await db.query(`UPDATE "Booking" SET status = 'COMPLETED' WHERE id = $1`, [phoneId]);
    await db.query(
      `UPDATE "Booking" SET "startsAt" = now() - interval '1 minute', "endsAt" = now() + interval '59 minutes' WHERE id = $1`,
      [chatId],
    );
    await client.page.goto(`${stack.server.url}/sessions/${chatId}`);
    await client.page.getByRole("region", { name: "Session chat" }).waitFor();
    expect(await client.page.getByRole("button", { name: "Join now" }).count()).toBe(0);
  });
});
