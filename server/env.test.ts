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
    const env = loadEnv({ S3_BUCKET: "tandem-files", S3_ENDPOINT: "http://127.0.0.1:9000", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret", S3_FORCE_PATH_STYLE: "true" });
    expect(env).toMatchObject({ S3_BUCKET: "tandem-files", S3_ENDPOINT: "http://127.0.0.1:9000", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret", S3_FORCE_PATH_STYLE: true });
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
    expect(problems({ S3_ENDPOINT: "https://s3.example.com" })).toEqual(["S3_ENDPOINT: is set but S3_BUCKET is not (files would silently go to the local disk)"]);
    expect(problems({ S3_BUCKET: "files", S3_ACCESS_KEY_ID: "id" })).toEqual(["S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together"]);
    expect(problems({ S3_BUCKET: "files", S3_ENDPOINT: "ftp://x" })).toEqual(["S3_ENDPOINT: must start with http:// or https://"]);
    expect(problems({ S3_BUCKET: "no/slashes" })).toEqual(["S3_BUCKET: must be a bucket name (at least 3 letters, digits, dots or dashes)"]);
  });
});
