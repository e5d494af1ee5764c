import { beforeAll, describe, expect, it } from "vitest";
import { loader as bookingFile } from "~/routes/bookings.$bookingId.files.$fileId.ts";
import { loader as chatAttachment } from "~/routes/chat-attachments.$messageId.ts";
import { action as chatUpload } from "~/routes/chat.$threadId.attachments.ts";
import { loader as coachPhoto } from "~/routes/files.$.ts";
import { createCoach, createCompletedBooking, createTenant, createUser } from "../helpers/factories.ts";
import { useRealtimeServer } from "../helpers/realtime-server.ts";

/**
 * The tenant's coaches flag is decided in one place (server/policies/features.ts) that every
 * entry point passes: a tRPC procedure, a socket event and a file route are all refused with
 * the same clear error while it is off, and work again when it is on.
 */
const REFUSAL = "Coaching is not enabled in this organisation.";
const stack = useRealtimeServer();

let tenant: Awaited<ReturnType<typeof createTenant>>;
let coach: Awaited<ReturnType<typeof createCoach>>;
let client: Awaited<ReturnType<typeof createUser>>;
let bookingId: string;
let threadId: string;

const setFlag = (on: boolean) => stack.app.db.tenant.update({ where: { id: tenant.id }, data: { featureCoaches: on } });

const routeArgs = (token: string, path: string, params: Record<string, string>, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set("cookie", `tandem_session=${token}`);
  return {
    request: new Request(`http://localhost${path}`, { ...init, headers }),
    context: { tandem: stack.app.tandem, clientIp: "127.0.0.1" },
    params,
  };
};

/** What a loader or action answered, whether it returned or threw a Response. */
async function answer(run: () => Promise<unknown>): Promise<{ status: number; text: string }> {
  let result: unknown;
  try {
    result = await run();
  } catch (thrown) {
    result = thrown;
  }
  if (!(result instanceof Response)) throw result;
  return { status: result.status, text: await result.text() };
}

beforeAll(async () => {
  tenant = await createTenant(stack.app);
  coach = await createCoach(stack.app, tenant, { name: "Coach Flo" });
  client = await createUser(stack.app, tenant, "CLIENT", { name: "Client Fay" });
  const booking = await createCompletedBooking(stack.app, coach, client.user.id);
  bookingId = booking.id;
  threadId = (
    await stack.app.tandem.services.sessions.sessionThread({ userId: client.user.id, tenantId: tenant.id }, bookingId)
  ).threadId;
});

describe("the coaches feature flag", () => {
  it("refuses a tRPC procedure, a socket event and the file routes with the same error while off", async () => {
    await setFlag(false);
    try {
      // tRPC
      const { api } = await stack.app.as(client.token);
      await expect(api.chat.sessionThread({ bookingId })).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: REFUSAL,
      });

      // Socket events: chat and calls (presence is the organisation's and stays open).
      const socket = await stack.open(client.token);
      expect(await socket.emitWithAck("chat:join", { threadId, afterSeq: 0 })).toEqual({
        ok: false,
        error: { code: "FORBIDDEN", message: REFUSAL },
      });
      expect(await socket.emitWithAck("call:join", { bookingId })).toEqual({
        ok: false,
        error: { code: "FORBIDDEN", message: REFUSAL },
      });
      expect(await socket.emitWithAck("presence:join", { room: { kind: "tenant", id: tenant.id } })).toMatchObject({
        ok: true,
      });

      // File routes: downloads and uploads.
      const refused = { status: 403, text: REFUSAL };
      const missing = "00000000-0000-4000-8000-000000000000";
      expect(
        await answer(() =>
          bookingFile(
            routeArgs(client.token, `/bookings/${bookingId}/files/${missing}`, { bookingId, fileId: missing }),
          ),
        ),
      ).toEqual(refused);
      expect(
        await answer(() =>
          chatAttachment(routeArgs(client.token, `/chat-attachments/${missing}`, { messageId: missing })),
        ),
      ).toEqual(refused);
      expect(
        await answer(() => coachPhoto(routeArgs(client.token, "/files/photos/x.webp", { "*": "photos/x.webp" }))),
      ).toEqual(refused);
      const form = new FormData();
      form.set("file", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
      expect(
        await answer(() =>
          chatUpload(
            routeArgs(client.token, `/chat/${threadId}/attachments`, { threadId }, { method: "POST", body: form }),
          ),
        ),
      ).toEqual(refused);
    } finally {
      await setFlag(true);
    }
  });

  it("lets the same calls through while on", async () => {
    const { api } = await stack.app.as(client.token);
    expect(await api.chat.sessionThread({ bookingId })).toMatchObject({ threadId });
    const socket = await stack.open(client.token);
    expect(await socket.emitWithAck("chat:join", { threadId, afterSeq: 0 })).toMatchObject({ ok: true });
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(
      (
        await answer(() =>
          chatAttachment(routeArgs(client.token, `/chat-attachments/${missing}`, { messageId: missing })),
        )
      ).status,
    ).toBe(404);
  });
});
