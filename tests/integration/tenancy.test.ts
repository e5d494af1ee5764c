import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../server/trpc/root.ts";
import { createTestApp, type TestApp, tokenFrom } from "../helpers/app.ts";
import { createTenant, createUser, PASSWORD } from "../helpers/factories.ts";

/**
 * Tenant isolation: a user of tenant A can never read or change tenant B's data, through
 * any procedure. Every procedure of the router must appear in `covered` below, so a new
 * procedure cannot land without an isolation case.
 */
let app: TestApp;
let a: Awaited<ReturnType<typeof createTenant>>;
let b: Awaited<ReturnType<typeof createTenant>>;
type U = Awaited<ReturnType<typeof createUser>>;
let adminA: U, clientA: U, adminB: U, clientB: U, sysadmin: U;

beforeAll(async () => {
  app = await createTestApp();
  a = await createTenant(app, { name: "Alpha Coaching", slug: "alpha" });
  b = await createTenant(app, { name: "Beta Coaching", slug: "beta" });
  adminA = await createUser(app, a, "TENANT_ADMIN", { email: "admin@alpha.test" });
  clientA = await createUser(app, a, "CLIENT", { email: "client@alpha.test" });
  adminB = await createUser(app, b, "TENANT_ADMIN", { email: "admin@beta.test" });
  clientB = await createUser(app, b, "CLIENT", { email: "client@beta.test" });
  sysadmin = await createUser(app, a, "SYSTEM_ADMIN", { email: "root@alpha.test" });
});
afterAll(() => app?.close());

const as = async (u: U) => (await app.as(u.token)).api;
const settingsOf = (id: string) => app.db.tenant.findUniqueOrThrow({ where: { id } });

const covered: Record<string, () => Promise<void>> = {
  "auth.me": async () => {
    const me = await (await as(clientA)).auth.me();
    expect(me?.tenant.id).toBe(a.id);
    expect(me?.memberships.map((m) => m.tenantId)).toEqual([a.id]);
  },
  "auth.signUp": async () => {
    // Joining B makes a new B client; it reads nothing of B and gives no role in A.
    const anon = await app.as();
    await anon.api.auth.signUp({ name: "Newbie", email: "newbie@beta.test", password: PASSWORD, tenantSlug: "beta" });
    const me = await (await app.as(tokenFrom(anon.resHeaders))).api.auth.me();
    expect(me?.tenant.id).toBe(b.id);
    expect(me?.role).toBe("CLIENT");
  },
  "auth.logIn": async () => {
    // Asking for tenant A while being a member of B only still lands in B.
    const anon = await app.as();
    await anon.api.auth.logIn({ email: clientB.email, password: PASSWORD, tenantSlug: "alpha" });
    const me = await (await app.as(tokenFrom(anon.resHeaders))).api.auth.me();
    expect(me?.tenant.id).toBe(b.id);
  },
  "auth.logOut": async () => {
    const other = await createUser(app, b);
    await (await app.as(other.token)).api.auth.logOut();
    expect(await (await as(clientB)).auth.me()).not.toBeNull(); // only the caller's own session ended
  },
  "auth.sessions": async () => {
    const sessions = await (await as(adminA)).auth.sessions();
    const ids = new Set((await app.db.session.findMany({ where: { userId: adminA.user.id } })).map((s) => s.id));
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(ids.has(s.id)).toBe(true);
  },
  "auth.revokeSession": async () => {
    const target = await app.db.session.findFirstOrThrow({ where: { userId: clientB.user.id, revokedAt: null } });
    await expect((await as(adminA)).auth.revokeSession({ sessionId: target.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await app.db.session.findUniqueOrThrow({ where: { id: target.id } })).revokedAt).toBeNull();
  },
  "auth.changePassword": async () => {
    const before = (await app.db.user.findUniqueOrThrow({ where: { id: clientB.user.id } })).passwordHash;
    const changer = await createUser(app, a);
    await (await app.as(changer.token)).api.auth.changePassword({ currentPassword: PASSWORD, newPassword: "another long passphrase" });
    expect((await app.db.user.findUniqueOrThrow({ where: { id: clientB.user.id } })).passwordHash).toBe(before);
  },
  "auth.switchTenant": async () => {
    await expect((await as(adminA)).auth.switchTenant({ tenantSlug: "beta" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await (await as(adminA)).auth.me())?.tenant.id).toBe(a.id);
  },
  "tenant.publicInfo": async () => {
    const info = await (await app.as()).api.tenant.publicInfo({ slug: "beta" });
    expect(Object.keys(info).sort()).toEqual(["name", "slug"]); // no settings leak to the public
  },
  "tenant.current": async () => {
    expect((await (await as(clientA)).tenant.current()).id).toBe(a.id);
    expect((await (await as(clientB)).tenant.current()).id).toBe(b.id);
  },
  "tenant.updateSettings": async () => {
    const beforeB = await settingsOf(b.id);
    await (await as(adminA)).tenant.updateSettings({ name: "Alpha Coaching", platformFeeBps: 1234, minServicePriceMinor: 500, currency: "GBP", coachClientCapacity: 7 });
    expect((await settingsOf(a.id)).platformFeeBps).toBe(1234);
    expect(await settingsOf(b.id)).toEqual(beforeB);
    await expect((await as(clientA)).tenant.updateSettings({ name: "Hijack", platformFeeBps: 0, minServicePriceMinor: 0, currency: "EUR", coachClientCapacity: 1 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(app.realtime.events).toContainEqual({ kind: "emitToTenant", args: [a.id, "tenant:updated", expect.objectContaining({ tenantId: a.id })] });
  },
  "tenant.members": async () => {
    const { members } = await (await as(adminA)).tenant.members();
    const emails = members.map((m) => m.user.email);
    expect(emails).toContain("client@alpha.test");
    expect(emails.some((e) => e.endsWith("@beta.test"))).toBe(false);
    await expect((await as(clientA)).tenant.members()).rejects.toMatchObject({ code: "FORBIDDEN" });
  },
  "dashboard.summary": async () => {
    const summary = await (await as(adminB)).dashboard.summary();
    expect(summary.tenant.id).toBe(b.id);
    const memberCount = Object.values(summary.members ?? {}).reduce((n, c) => n + (c ?? 0), 0);
    expect(memberCount).toBe(await app.db.membership.count({ where: { tenantId: b.id } }));
    expect(summary.tenantCount).toBeNull(); // not a system admin
  },
  "admin.tenants": async () => {
    await expect((await as(adminA)).admin.tenants()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await (await as(sysadmin)).admin.tenants()).map((t) => t.slug)).toEqual(expect.arrayContaining(["alpha", "beta"]));
  },
  "admin.createTenant": async () => {
    await expect((await as(adminB)).admin.createTenant({ name: "Gamma", slug: "gamma" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await app.db.tenant.count({ where: { slug: "gamma" } })).toBe(0);
  },
  "admin.setTenantFlags": async () => {
    await expect((await as(adminA)).admin.setTenantFlags({ tenantId: b.id, featureCoaches: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await settingsOf(b.id)).featureCoaches).toBe(true);
  },
};

describe("tenant isolation", () => {
  it("has a case for every procedure of the router", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(Object.keys(covered).sort()).toEqual(procedures);
  });

  for (const [path, check] of Object.entries(covered)) {
    it(`${path}: tenant A cannot reach tenant B`, check);
  }

  it("refuses anonymous callers on signed-in procedures", async () => {
    const anon = (await app.as()).api;
    await expect(anon.tenant.current()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anon.auth.sessions()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("system administration", () => {
  it("creates tenants with unique slugs and switches their flags", async () => {
    const root = await as(sysadmin);
    const created = await root.admin.createTenant({ name: "Delta Wellness", slug: "delta" });
    expect(created).toMatchObject({ slug: "delta", platformFeeBps: 1500, coachClientCapacity: 5, featureCoaches: true, featurePremiumCoachServices: false });
    await expect(root.admin.createTenant({ name: "Delta again", slug: "delta" })).rejects.toMatchObject({
      code: "CONFLICT",
      cause: { fieldErrors: { slug: ["Another organisation already uses this address."] } },
    });
    const flagged = await root.admin.setTenantFlags({ tenantId: created.id, featurePremiumCoachServices: true });
    expect(flagged.featurePremiumCoachServices).toBe(true);
    expect(app.realtime.events).toContainEqual({ kind: "emitToTenant", args: [created.id, "tenant:updated", expect.objectContaining({ featurePremiumCoachServices: true })] });
  });
});

describe("tRPC over HTTP", () => {
  const call = (path: string, init: RequestInit & { token?: string }) => {
    const headers = new Headers(init.headers);
    headers.set("content-type", "application/json");
    if (init.token) headers.set("cookie", `tandem_session=${init.token}`);
    const req = new Request(`http://localhost/api/trpc/${path}`, { ...init, headers });
    return fetchRequestHandler({ endpoint: "/api/trpc", req, router: app.tandem.router, createContext: ({ resHeaders }) => app.tandem.createContext(req, resHeaders, "127.0.0.1") });
  };

  it("answers bad input with 400 BAD_REQUEST and field errors, and writes nothing", async () => {
    const before = await settingsOf(a.id);
    const res = await call("tenant.updateSettings", {
      method: "POST",
      token: adminA.token,
      body: JSON.stringify({ name: "A", platformFeeBps: 12.5, minServicePriceMinor: -1, currency: "euro", coachClientCapacity: 0 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; data: { code: string; fieldErrors: Record<string, string[]> } } };
    expect(body.error.data.code).toBe("BAD_REQUEST");
    expect(Object.keys(body.error.data.fieldErrors).sort()).toEqual(["coachClientCapacity", "currency", "minServicePriceMinor", "name", "platformFeeBps"]);
    expect(body.error.data.fieldErrors.currency).toEqual(["Use a three-letter ISO currency code, such as EUR."]);
    expect(await settingsOf(a.id)).toEqual(before);
  });

  it("answers a malformed body with 400, not 500", async () => {
    const res = await call("tenant.updateSettings", { method: "POST", token: adminA.token, body: "{not json" });
    expect(res.status).toBe(400);
  });

  it("answers 401 to an anonymous query and 403 to the wrong role", async () => {
    expect((await call("tenant.current", { method: "GET" })).status).toBe(401);
    expect((await call("tenant.members", { method: "GET", token: clientA.token })).status).toBe(403);
  });
});
