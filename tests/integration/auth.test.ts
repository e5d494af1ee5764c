import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, tokenFrom } from "../helpers/app.ts";
import { createTenant, createUser, PASSWORD } from "../helpers/factories.ts";

let app: TestApp;
let tenant: Awaited<ReturnType<typeof createTenant>>;

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_FAILURES_PER_IP: "1000" });
  tenant = await createTenant(app);
});
afterAll(() => app?.close());

const MINUTE = 60_000;

describe("sign up and log in", () => {
  it("creates a client account, stores an argon2id hash and signs it in", async () => {
    const anon = await app.as();
    await anon.api.auth.signUp({
      name: "Ada",
      email: "  Ada@Example.TEST ",
      password: PASSWORD,
      tenantSlug: tenant.slug,
      timeZone: "Europe/Amsterdam",
    });
    const token = tokenFrom(anon.resHeaders);
    const cookie = anon.resHeaders.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const user = await app.db.user.findUniqueOrThrow({ where: { email: "ada@example.test" } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.timeZone).toBe("Europe/Amsterdam");
    const session = await app.db.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(session.tokenHash).not.toBe(token); // only the hash is stored
    const me = await (await app.as(token)).api.auth.me();
    expect(me?.user.email).toBe("ada@example.test");
    expect(me?.role).toBe("CLIENT");
    expect(me?.tenant.id).toBe(tenant.id);
  });

  it("refuses a second account with the same email, naming the field", async () => {
    const anon = await app.as();
    await expect(
      anon.api.auth.signUp({ name: "Ada 2", email: "ADA@example.test", password: PASSWORD, tenantSlug: tenant.slug }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      cause: { fieldErrors: { email: ["An account with this email already exists. Log in instead."] } },
    });
    expect(await app.db.user.count({ where: { email: "ada@example.test" } })).toBe(1);
  });

  it("rejects bad input with field errors and writes nothing", async () => {
    const before = await app.db.user.count();
    const anon = await app.as();
    const error = await anon.api.auth
      .signUp({ name: "", email: "not-an-email", password: "short", tenantSlug: tenant.slug, timeZone: "Mars/Olympus" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    const paths = (error as { cause: { issues: { path: string[] }[] } }).cause.issues.map((i) => i.path.join("."));
    expect(paths.sort()).toEqual(["email", "name", "password", "timeZone"]);
    expect(await app.db.user.count()).toBe(before);
  });

  it("gives the same message for an unknown email and a wrong password", async () => {
    const anon = await app.as();
    await expect(anon.api.auth.logIn({ email: "nobody@example.test", password: PASSWORD })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "The email or password is incorrect.",
    });
    await expect(anon.api.auth.logIn({ email: "ada@example.test", password: "wrong password" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "The email or password is incorrect.",
    });
  });
});

describe("sessions", () => {
  it("expires after the idle timeout, and activity keeps it alive", async () => {
    const { token } = await createUser(app, tenant);
    app.clock.advance(25 * MINUTE);
    expect(await (await app.as(token)).api.auth.me()).not.toBeNull(); // activity refreshes lastSeenAt
    app.clock.advance(25 * MINUTE);
    expect(await (await app.as(token)).api.auth.me()).not.toBeNull();
    app.clock.advance(31 * MINUTE);
    expect(await (await app.as(token)).api.auth.me()).toBeNull();
  });

  it("ends at the absolute lifetime even while active", async () => {
    const { token } = await createUser(app, tenant);
    for (let elapsed = 0; elapsed < 12 * 60; elapsed += 20) {
      expect(await (await app.as(token)).api.auth.me()).not.toBeNull();
      app.clock.advance(20 * MINUTE);
    }
    expect(await (await app.as(token)).api.auth.me()).toBeNull();
  });

  it("lists the user's sessions and revokes any of them", async () => {
    const { email, token } = await createUser(app, tenant);
    const second = await app.as();
    await second.api.auth.logIn({ email, password: PASSWORD });
    const otherToken = tokenFrom(second.resHeaders);
    const me = await app.as(token);
    const sessions = await me.api.auth.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    await me.api.auth.revokeSession({ sessionId: other.id });
    expect(await (await app.as(otherToken)).api.auth.me()).toBeNull();
    expect(app.realtime.events).toContainEqual({ kind: "disconnectSessions", args: [[other.id], "revoked"] });
    expect(await me.api.auth.sessions()).toHaveLength(1);
  });

  it("cannot revoke another user's session", async () => {
    const alice = await createUser(app, tenant);
    const bob = await createUser(app, tenant);
    const bobSession = (await (await bob.caller()).api.auth.sessions())[0]!;
    await expect((await alice.caller()).api.auth.revokeSession({ sessionId: bobSession.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await (await bob.caller()).api.auth.me()).not.toBeNull();
  });

  it("logs out: the cookie is cleared and the token is dead", async () => {
    const { token } = await createUser(app, tenant);
    const me = await app.as(token);
    await me.api.auth.logOut();
    expect(me.resHeaders.get("set-cookie")).toMatch(/tandem_session=;/);
    expect(await (await app.as(token)).api.auth.me()).toBeNull();
  });

  it("a password change revokes every other session but keeps this one", async () => {
    const { email, token } = await createUser(app, tenant);
    const other = await app.as();
    await other.api.auth.logIn({ email, password: PASSWORD });
    const otherToken = tokenFrom(other.resHeaders);
    const me = await app.as(token);
    await expect(
      me.api.auth.changePassword({ currentPassword: "not it at all", newPassword: "a brand new passphrase" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fieldErrors: { currentPassword: ["The current password is incorrect."] } },
    });
    const { revoked } = await me.api.auth.changePassword({
      currentPassword: PASSWORD,
      newPassword: "a brand new passphrase",
    });
    expect(revoked).toBe(1);
    expect(await (await app.as(otherToken)).api.auth.me()).toBeNull();
    expect(await (await app.as(token)).api.auth.me()).not.toBeNull();
    await expect((await app.as()).api.auth.logIn({ email, password: PASSWORD })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await (await app.as()).api.auth.logIn({ email, password: "a brand new passphrase" });
  });
});

describe("login limit", () => {
  it("blocks an account after 100 failures in an hour, even with the right password, and resets after the hour", async () => {
    const { email } = await createUser(app, tenant);
    const anon = await app.as();
    for (let i = 0; i < 100; i++) {
      await expect(anon.api.auth.logIn({ email, password: `wrong-${i}` })).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
    }
    await expect(anon.api.auth.logIn({ email, password: PASSWORD })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(
        /^Too many failed sign-in attempts for this account\. Try again in \d+ minutes?\.$/,
      ),
    });
    // Another account from the same IP is unaffected.
    const other = await createUser(app, tenant);
    await (await app.as()).api.auth.logIn({ email: other.email, password: PASSWORD });
    // The window is one hour (the limiter uses the wall clock): expire it in the store.
    await app.db.rateLimit.updateMany({
      where: { key: { contains: email } },
      data: { expire: BigInt(Date.now() - 1000) },
    });
    await (await app.as()).api.auth.logIn({ email, password: PASSWORD });
  }, 60_000);

  it("limits failures per IP across accounts", async () => {
    const limited = await createTestApp({ LOGIN_MAX_FAILURES_PER_IP: "5", LOGIN_MAX_FAILURES_PER_ACCOUNT: "100" });
    try {
      const t = await createTenant(limited);
      const user = await createUser(limited, t);
      for (let i = 0; i < 5; i++) {
        await expect(
          (await limited.as(undefined, "198.51.100.9")).api.auth.logIn({
            email: `guess-${i}@example.test`,
            password: "x",
          }),
        ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      }
      await expect(
        (await limited.as(undefined, "198.51.100.9")).api.auth.logIn({ email: user.email, password: PASSWORD }),
      ).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
        message: expect.stringContaining("from your network"),
      });
      await (await limited.as(undefined, "198.51.100.10")).api.auth.logIn({ email: user.email, password: PASSWORD });
    } finally {
      await limited.close();
    }
  });
});

describe("time zone", () => {
  it("lets a person choose the zone their times are shown in, and refuses a name that is not a zone", async () => {
    const person = await createUser(app, tenant);
    const api = (await app.as(person.token)).api;
    expect(await api.auth.setTimeZone({ timeZone: "America/New_York" })).toEqual({ timeZone: "America/New_York" });
    expect((await app.as(person.token)).viewer?.user.timeZone).toBe("America/New_York");
    await expect(api.auth.setTimeZone({ timeZone: "Mars/Olympus_Mons" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Unknown time zone"),
    });
    expect((await app.db.user.findUniqueOrThrow({ where: { id: person.user.id } })).timeZone).toBe("America/New_York");
  });
});
