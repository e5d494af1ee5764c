import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv } from "./env";

describe("loadEnv", () => {
  it("gives the documented defaults with nothing configured", () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.SESSION_IDLE_MINUTES).toBe(30);
    expect(env.SESSION_ABSOLUTE_HOURS).toBe(12);
    expect(env.LOGIN_MAX_FAILURES_PER_ACCOUNT).toBe(100);
    expect(env.COOKIE_SECURE).toBe(false);
    expect(env.DATA_DIR).toBe(".data");
  });

  it("names every invalid variable", () => {
    let error: unknown;
    try {
      loadEnv({ PORT: "eighty", DATABASE_URL: "mysql://x@y/z", SESSION_IDLE_MINUTES: "0" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(problems).toEqual(["DATABASE_URL", "PORT", "SESSION_IDLE_MINUTES"]);
    expect((error as ConfigError).message).toContain("PORT: must be a whole number from 0 to 65535");
    expect((error as ConfigError).message).toContain("DATABASE_URL: must start with postgres:// or postgresql://");
  });

  it("turns secure cookies on for an https origin", () => {
    expect(loadEnv({ APP_ORIGIN: "https://coach.example.com/" }).COOKIE_SECURE).toBe(true);
    expect(loadEnv({ APP_ORIGIN: "https://coach.example.com/", COOKIE_SECURE: "false" }).COOKIE_SECURE).toBe(false);
    expect(loadEnv({ APP_ORIGIN: "https://coach.example.com/" }).APP_ORIGIN).toBe("https://coach.example.com");
  });
});

describe(".env.example", () => {
  it("documents every variable, and only those", async () => {
    const { readFile } = await import("node:fs/promises");
    const { ENV_VARIABLES } = await import("./env");
    const text = await readFile(new URL("../.env.example", import.meta.url), "utf8");
    const listed = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...ENV_VARIABLES].sort());
  });
});

describe("file storage settings", () => {
  it("default to the local disk", () => {
    const env = loadEnv({});
    expect(env.S3_BUCKET).toBeUndefined();
    expect(env.S3_REGION).toBe("us-east-1");
    expect(env.S3_FORCE_PATH_STYLE).toBe(false);
  });

  it("read an S3-compatible bucket", () => {
    const env = loadEnv({
      S3_BUCKET: "tandem-files",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: "true",
    });
    expect(env).toMatchObject({
      S3_BUCKET: "tandem-files",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: true,
    });
  });

  it("name the variable when the settings do not fit together", () => {
    const problems = (source: Record<string, string>) => {
      try {
        loadEnv(source);
        return [];
      } catch (error) {
        return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
      }
    };
    expect(problems({ S3_ENDPOINT: "https://s3.example.com" })).toEqual([
      "S3_ENDPOINT: is set but S3_BUCKET is not (files would silently go to the local disk)",
    ]);
    expect(problems({ S3_BUCKET: "files", S3_ACCESS_KEY_ID: "id" })).toEqual([
      "S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together",
    ]);
    expect(problems({ S3_BUCKET: "files", S3_ENDPOINT: "ftp://x" })).toEqual([
      "S3_ENDPOINT: must start with http:// or https://",
    ]);
    expect(problems({ S3_BUCKET: "no/slashes" })).toEqual([
      "S3_BUCKET: must be a bucket name (at least 3 letters, digits, dots or dashes)",
    ]);
  });
});

describe("payment settings", () => {
  const problems = (source: Record<string, string>) => {
    try {
      loadEnv(source);
      return [];
    } catch (error) {
      return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
    }
  };

  it("default to the local test checkout", () => {
    const env = loadEnv({});
    expect(env.STRIPE_SECRET_KEY).toBeUndefined();
    expect(env.STRIPE_WEBHOOK_SECRET).toBeUndefined();
    expect(env.STRIPE_API_PORT).toBeUndefined();
  });

  it("read Stripe keys and an API server override", () => {
    const env = loadEnv({
      STRIPE_SECRET_KEY: "sk_test_abc",
      STRIPE_WEBHOOK_SECRET: "whsec_abc",
      STRIPE_API_HOST: "127.0.0.1",
      STRIPE_API_PORT: "12111",
      STRIPE_API_PROTOCOL: "http",
    });
    expect(env).toMatchObject({
      STRIPE_SECRET_KEY: "sk_test_abc",
      STRIPE_WEBHOOK_SECRET: "whsec_abc",
      STRIPE_API_HOST: "127.0.0.1",
      STRIPE_API_PORT: 12111,
      STRIPE_API_PROTOCOL: "http",
    });
  });

  it("name the variable when Stripe settings are wrong or incomplete", () => {
    expect(problems({ STRIPE_SECRET_KEY: "sk_test_abc" })).toEqual([
      "STRIPE_WEBHOOK_SECRET: STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together (payments are confirmed by signed webhooks)",
    ]);
    expect(problems({ STRIPE_SECRET_KEY: "pk_test_abc", STRIPE_WEBHOOK_SECRET: "whsec_abc" })).toEqual([
      "STRIPE_SECRET_KEY: must be a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_… key)",
    ]);
    expect(
      problems({
        STRIPE_SECRET_KEY: "sk_test_abc",
        STRIPE_WEBHOOK_SECRET: "whsec_abc",
        STRIPE_API_PORT: "http",
        STRIPE_API_PROTOCOL: "ftp",
      }).sort(),
    ).toEqual([
      "STRIPE_API_PORT: must be a whole number from 1 to 65535",
      "STRIPE_API_PROTOCOL: must be http or https",
    ]);
    expect(problems({ STRIPE_API_HOST: "127.0.0.1" })).toEqual([
      "STRIPE_API_HOST: is set but STRIPE_SECRET_KEY is not (the built-in test checkout would be used)",
    ]);
  });
});
