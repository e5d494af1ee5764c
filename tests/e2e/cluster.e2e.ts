import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { createTenant, createUser } from "../helpers/factories.ts";
import { trpcHttp } from "../helpers/http.ts";
import { type RunningServer, startServer } from "../helpers/server.ts";
import { connect, connected, nextEvent, type TestSocket } from "../helpers/sockets.ts";

/**
 * Two real server processes on one database, joined by the Redis adapter: presence,
 * broadcasts, direct events and disconnects must cross from one node to the other.
 */
const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL)
  console.warn("\n[tests] REDIS_URL is not set: the two-node Redis adapter tests do NOT run. CI sets it.\n");

describe.skipIf(!REDIS_URL)("two nodes behind the Redis adapter", () => {
  let app: TestApp;
  let node1: RunningServer;
  let node2: RunningServer;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    app = await createTestApp();
    const env = { DATABASE_URL: app.databaseUrl, REDIS_URL, SEED_DEMO: "false" };
    [node1, node2] = await Promise.all([startServer(env), startServer(env)]);
    expect(node1.output()).toContain("Redis adapter connected");
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([node1?.stop(), node2?.stop()]);
    await app?.close();
  });

  const open = async (server: RunningServer, token: string) => {
    const s = connect(server.url, token);
    sockets.push(s);
    await connected(s);
    return s;
  };

  it("shares presence, broadcasts, waves and session ends across nodes", async () => {
    const tenant = await createTenant(app);
    const ann = await createUser(app, tenant, "CLIENT", { name: "Ann" });
    const cas = await createUser(app, tenant, "COACH", { name: "Cas" });
    const adm = await createUser(app, tenant, "TENANT_ADMIN", { name: "Adm" });
    const room = { kind: "tenant" as const, id: tenant.id };

    // Presence: Ann on node 1 sees Cas, who connects to node 2.
    const annSocket = await open(node1, ann.token);
    await annSocket.emitWithAck("presence:join", { room });
    const seesCas = nextEvent(annSocket, "presence:update", (p) => p.members.some((m) => m.name === "Cas"));
    const casSocket = await open(node2, cas.token);
    const joined = await casSocket.emitWithAck("presence:join", { room });
    expect(joined.ok && joined.data.members.map((m) => m.name)).toEqual(["Ann", "Cas"]);
    expect((await seesCas).members.map((m) => m.name)).toEqual(["Ann", "Cas"]);

    // A broadcast from a service on node 2 reaches Ann's socket on node 1.
    const updated = nextEvent(annSocket, "tenant:updated");
    const res = await trpcHttp(node2.url, "tenant.updateSettings", {
      mutation: true,
      token: adm.token,
      input: {
        name: "Renamed on node 2",
        platformFeeBps: 1000,
        minServicePriceMinor: 0,
        currency: "EUR",
        coachClientCapacity: 5,
      },
    });
    expect(res.status).toBe(200);
    expect(await updated).toMatchObject({ tenantId: tenant.id, name: "Renamed on node 2" });

    // A direct event from node 1 to a user on node 2.
    const waved = nextEvent(casSocket, "presence:waved");
    expect(await annSocket.emitWithAck("presence:wave", { room, toUserId: cas.user.id })).toEqual({
      ok: true,
      data: null,
    });
    expect((await waved).from.name).toBe("Ann");

    // Revoking Cas's session through node 1 ends the socket on node 2, and presence follows.
    const ended = nextEvent(casSocket, "session:ended");
    const casGone = nextEvent(annSocket, "presence:update", (p) => !p.members.some((m) => m.name === "Cas"));
    const casSession = (
      await trpcHttp<{ id: string; current: boolean }[]>(node1.url, "auth.sessions", { token: cas.token })
    ).body.result!.data.find((s) => s.current)!;
    const revoke = await trpcHttp(node1.url, "auth.revokeSession", {
      mutation: true,
      token: cas.token,
      input: { sessionId: casSession.id },
    });
    expect(revoke.status).toBe(200);
    expect(await ended).toEqual({ reason: "revoked" });
    expect((await casGone).members.map((m) => m.name)).toEqual(["Ann"]);
  });
});
