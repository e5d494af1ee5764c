import { z } from "zod";

/**
 * The one place where configuration is read. Every variable is listed in .env.example.
 * Invalid configuration is a ConfigError naming each offending variable; server/index.ts
 * prints it and exits non-zero.
 */

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1" || v === "yes"));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const url = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return undefined;
      let parsed: URL;
      try {
        parsed = new URL(v);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be a URL" });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: "custom", message: `must start with ${protocols.map((p) => `${p}//`).join(" or ")}` });
        return z.NEVER;
      }
      return v;
    });

const envObject = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"], { error: "must be development, production or test" })
    .default("production"),
  PORT: int(3000, 0, 65535),
  HOST: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  APP_ORIGIN: url(["http:", "https:"]).transform((v) => (v ? new URL(v).origin : undefined)),
  TRUST_PROXY: bool(false),
  DATABASE_URL: url(["postgres:", "postgresql:"]),
  DATA_DIR: z.string().default(".data"),
  EMBEDDED_PG_PORT: int(5488, 1, 65535),
  REDIS_URL: url(["redis:", "rediss:"]),
  SESSION_IDLE_MINUTES: int(30, 1, 60 * 24 * 30),
  SESSION_ABSOLUTE_HOURS: int(12, 1, 24 * 365),
  COOKIE_SECURE: bool(false).optional(),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(100, 1, 1_000_000),
  LOGIN_MAX_FAILURES_PER_IP: int(300, 1, 1_000_000),
  SEED_DEMO: bool(true),
  DEFAULT_TENANT_SLUG: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "must be a slug (lowercase letters, digits and dashes)")
    .default("demo"),
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error", "silent"], { error: "must be debug, info, warn, error or silent" })
    .default("info"),
  // File storage: the local disk under DATA_DIR/uploads unless S3_BUCKET is set.
  S3_BUCKET: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined))
    .refine(
      (v) => v === undefined || /^[A-Za-z0-9][A-Za-z0-9._-]{2,254}$/.test(v),
      "must be a bucket name (at least 3 letters, digits, dots or dashes)",
    ),
  S3_REGION: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : "us-east-1")),
  S3_ENDPOINT: url(["http:", "https:"]),
  S3_ACCESS_KEY_ID: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  S3_SECRET_ACCESS_KEY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  S3_FORCE_PATH_STYLE: bool(false),
  // Payments: Stripe Connect when STRIPE_SECRET_KEY is set, otherwise the built-in test checkout.
  STRIPE_SECRET_KEY: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined))
    .refine(
      (v) => v === undefined || /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/.test(v),
      "must be a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_… key)",
    ),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined))
    .refine((v) => v === undefined || /^whsec_[A-Za-z0-9_]+$/.test(v), "must be a webhook signing secret (whsec_…)"),
  STRIPE_API_HOST: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined)),
  STRIPE_API_PORT: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) {
        ctx.addIssue({ code: "custom", message: "must be a whole number from 1 to 65535" });
        return z.NEVER;
      }
      return n;
    }),
  STRIPE_API_PROTOCOL: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined))
    .pipe(z.enum(["http", "https"], { error: "must be http or https" }).optional()),
  // Encryption at rest (chat messages, Cal.com API keys, session E2EE keys): "id:base64key,…",
  // 32-byte keys, the first encrypts, all decrypt. Unset: a key generated once under DATA_DIR.
  ENCRYPTION_KEYS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return undefined;
      const keys: { id: string; key: Buffer }[] = [];
      for (const part of v
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean)) {
        const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(part);
        const key = match ? Buffer.from(match[2]!, "base64") : undefined;
        if (!match || !key || key.length !== 32) {
          ctx.addIssue({
            code: "custom",
            message:
              "must be a comma-separated list of id:key with each key 32 bytes in base64 (openssl rand -base64 32)",
          });
          return z.NEVER;
        }
        if (keys.some((k) => k.id === match[1])) {
          ctx.addIssue({ code: "custom", message: `key id "${match[1]}" appears twice` });
          return z.NEVER;
        }
        keys.push({ id: match[1]!, key });
      }
      return keys.length ? keys : undefined;
    }),
  // Live video and phone: LiveKit when all three are set, otherwise peer-to-peer WebRTC.
  LIVEKIT_URL: url(["ws:", "wss:", "http:", "https:"]),
  LIVEKIT_API_KEY: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined)),
  LIVEKIT_API_SECRET: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined)),
  // STUN/TURN servers for peer-to-peer calls, as JSON: [{"urls":"turn:turn.example.com","username":"u","credential":"p"}]
  ICE_SERVERS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "")
        return [] as { urls: string | string[]; username?: string; credential?: string }[];
      let json: unknown;
      try {
        json = JSON.parse(v);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON: an array of {urls, username?, credential?}" });
        return z.NEVER;
      }
      const iceUrl = z
        .string()
        .regex(/^(stun|stuns|turn|turns):/, "each url must start with stun:, stuns:, turn: or turns:");
      const parsed = z
        .array(
          z.object({
            urls: z.union([iceUrl, z.array(iceUrl).min(1)]),
            username: z.string().optional(),
            credential: z.string().optional(),
          }),
        )
        .safeParse(json);
      if (!parsed.success) {
        ctx.addIssue({
          code: "custom",
          message: `must be an array of {urls, username?, credential?}: ${parsed.error.issues[0]?.message}`,
        });
        return z.NEVER;
      }
      return parsed.data;
    }),
  // Cal.com: the signing secret of the /webhooks/calcom endpoint, and the API base (default https://api.cal.com).
  CALCOM_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined)),
  CALCOM_API_URL: url(["http:", "https:"]).transform((v) => (v ?? "https://api.cal.com").replace(/\/+$/, "")),
});

/** Settings that only make sense together. */
const envSchema = envObject.superRefine((env, ctx) => {
  if (!env.S3_BUCKET) {
    for (const variable of ["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
      if (env[variable])
        ctx.addIssue({
          code: "custom",
          path: [variable],
          message: "is set but S3_BUCKET is not (files would silently go to the local disk)",
        });
    }
  }
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    const missing = env.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID";
    ctx.addIssue({
      code: "custom",
      path: [missing],
      message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together",
    });
  }
  if (Boolean(env.STRIPE_SECRET_KEY) !== Boolean(env.STRIPE_WEBHOOK_SECRET)) {
    const missing = env.STRIPE_SECRET_KEY ? "STRIPE_WEBHOOK_SECRET" : "STRIPE_SECRET_KEY";
    ctx.addIssue({
      code: "custom",
      path: [missing],
      message:
        "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together (payments are confirmed by signed webhooks)",
    });
  }
  const livekit = ["LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"] as const;
  if (livekit.some((v) => env[v]) && !livekit.every((v) => env[v])) {
    for (const variable of livekit) {
      if (!env[variable])
        ctx.addIssue({
          code: "custom",
          path: [variable],
          message: "LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be set together",
        });
    }
  }
  if (!env.STRIPE_SECRET_KEY) {
    for (const variable of ["STRIPE_API_HOST", "STRIPE_API_PORT", "STRIPE_API_PROTOCOL"] as const) {
      if (env[variable] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [variable],
          message: "is set but STRIPE_SECRET_KEY is not (the built-in test checkout would be used)",
        });
    }
  }
});

type Parsed = z.output<typeof envSchema>;

/** Every variable Tandem reads (each must be documented in .env.example). */
export const ENV_VARIABLES = Object.keys(envObject.shape);

export type Env = Omit<Parsed, "COOKIE_SECURE"> & { COOKIE_SECURE: boolean };

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      "Invalid configuration:\n" +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n") +
        "\nSee .env.example for every variable and its meaning.",
    );
    this.name = "ConfigError";
  }
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "(environment)"),
        message: issue.message,
      })),
    );
  }
  const parsed = result.data;
  return {
    ...parsed,
    // Secure cookies by default whenever the public origin is https.
    COOKIE_SECURE: parsed.COOKIE_SECURE ?? parsed.APP_ORIGIN?.startsWith("https:") ?? false,
  };
}
