import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRealtimeNotifier } from "@realtime/emitter.ts";
import { attachRealtime, type Realtime } from "@realtime/server.ts";
import { originAllowed } from "@server/http/origin.ts";
import { createLogger } from "@server/log.ts";
import { createTestApp, type TestApp, tokenFrom } from "../helpers/app.ts";
import { createTenant, createUser } from "../helpers/factories.ts";
import { connect, connected, connectError, nextEvent, type TestSocket } from "../helpers/sockets.ts";

let app: TestApp;
let realtime: Realtime;
let server: http.Server;
let url: string;
const sockets: TestSocket[] = [];
const open = (token?: string, headers?: Record<string, string>) => {
  const s = connect(url, token, headers);
  sockets.push(s);
  return s;
};

beforeAll(async () => {
  const notifier = createRealtimeNotifier();
  app = await createTestApp({}, { notifier });
  server = http.createServer();
  realtime = await attachRealtime(server, {
    auth: app.tandem.services.auth,
    log: createLogger("silent"),
    originAllowed: (origin, host) => originAllowed(undefined, origin, host),
  });
  notifier.bind(realtime.io);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await realtime?.close();
  await app?.close();
});

describe("realtime authentication", () => {
  it("refuses a connection without a session", async () => {
    const error = await connectError(open());
    expect(error.message).toBe("unauthorized");
    expect(error.data?.code).toBe("UNAUTHORIZED");
  });

  it("refuses a connection with a revoked session", async () => {
    const tenant = await createTenant(app);
    const user = await createUser(app, tenant);
    await (await user.caller()).api.auth.logOut();
    expect((await connectError(open(user.token))).message).toBe("unauthorized");
  });

  it("refuses a handshake from another origin", async () => {
    const tenant = await createTenant(app);
    const user = await createUser(app, tenant);
    await expect(connected(open(user.token, { origin: "http://evil.test" }))).rejects.toThrow();
  });
});

describe("presence", () => {
  it("shows who is online in the tenant, live, and never members of another tenant", async () => {
    const tenantA = await createTenant(app);
    const tenantB = await createTenant(app);
    const ann = await createUser(app, tenantA, "CLIENT", { name: "Ann" });
    const cas = await createUser(app, tenantA, "COACH", { name: "Cas" });
    const bea = await createUser(app, tenantB, "CLIENT", { name: "Bea" });

    const annSocket = open(ann.token);
    await connected(annSocket);
    const joined = await annSocket.emitWithAck("presence:join", { room: { kind: "tenant", id: tenantA.id } });
    expect(joined).toEqual({ ok: true, data: { members: [{ userId: ann.user.id, name: "Ann", role: "CLIENT" }] } });

    const seesCas = nextEvent(annSocket, "presence:update", (p) => p.members.some((m) => m.name === "Cas"));
    const casSocket = open(cas.token);
    await connected(casSocket);
    expect((await seesCas).members.map((m) => m.name)).toEqual(["Ann", "Cas"]);

    const beaSocket = open(bea.token);
    await connected(beaSocket);
    const refused = await beaSocket.emitWithAck("presence:join", { room: { kind: "tenant", id: tenantA.id } });
    expect(refused).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });

    const casGone = nextEvent(annSocket, "presence:update", (p) => !p.members.some((m) => m.name === "Cas"));
    casSocket.disconnect();
    expect((await casGone).members.map((m) => m.name)).toEqual(["Ann"]);
  });

  it("answers an invalid payload with BAD_REQUEST and the field at fault", async () => {
    const tenant = await createTenant(app);
    const user = await createUser(app, tenant);
    const socket = open(user.token);
    await connected(socket);
    const res = await socket.emitWithAck("presence:join", { room: { kind: "booking", id: "nope" } } as never);
    expect(res).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    if (res.ok) throw new Error("unreachable");
    expect(Object.keys(res.error.fieldErrors ?? {}).sort()).toEqual(["room.id", "room.kind"]);
  });

  it("delivers a wave to the person waved at", async () => {
    const tenant = await createTenant(app);
    const ann = await createUser(app, tenant, "CLIENT", { name: "Ann" });
    const cas = await createUser(app, tenant, "COACH", { name: "Cas" });
    const [a, c] = [open(ann.token), open(cas.token)];
    await Promise.all([connected(a), connected(c)]);
    const room = { kind: "tenant" as const, id: tenant.id };
    await a.emitWithAck("presence:join", { room });
    const waved = nextEvent(c, "presence:waved");
    expect(await a.emitWithAck("presence:wave", { room, toUserId: cas.user.id })).toEqual({ ok: true, data: null });
    expect((await waved).from.name).toBe("Ann");
  });
});

describe("session end reaches live sockets", () => {
  it("revoking a session tells its socket why and closes it", async () => {
    const tenant = await createTenant(app);
    const user = await createUser(app, tenant);
    const second = await app.as();
    await second.api.auth.logIn({ email: user.email, password: "correct horse battery" });
    const socket = open(user.token);
    await connected(socket);
    const ended = nextEvent(socket, "session:ended");
    const closed = new Promise<string>((r) => socket.once("disconnect", (reason) => r(reason)));
    const mine = (await (await user.caller()).api.auth.sessions()).find((s) => s.current)!;
    await (await app.as(tokenFrom(second.resHeaders))).api.auth.revokeSession({ sessionId: mine.id });
    expect(await ended).toEqual({ reason: "revoked" });
    expect(await closed).toBe("io server disconnect");
  });
});
