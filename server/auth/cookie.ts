import { parse, serialize } from "cookie";
import type { Env } from "../env.ts";

export const SESSION_COOKIE = "tandem_session";

export function readSessionToken(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parse(cookieHeader)[SESSION_COOKIE] || undefined;
}

export function sessionCookie(env: Env, token: string, expiresAt: Date): string {
  return serialize(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: env.COOKIE_SECURE,
    path: "/",
    expires: expiresAt,
  });
}

export function clearedSessionCookie(env: Env): string {
  return serialize(SESSION_COOKIE, "", {
    httpOnly: true,
    sameSite: "lax",
    secure: env.COOKIE_SECURE,
    path: "/",
    expires: new Date(0),
  });
}
