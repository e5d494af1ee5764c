import { readSessionToken } from "../auth/cookie.ts";
import type { Env } from "../env.ts";
import type { Services } from "../services/index.ts";

export interface ContextDeps {
  env: Env;
  services: Services;
}

export interface RequestInfo {
  req: Request;
  /** Headers to add to the response (Set-Cookie after sign-in and sign-out). */
  resHeaders: Headers;
  /** Client IP as Express saw it (honours TRUST_PROXY). */
  ip: string;
}

export async function createContext(deps: ContextDeps, info: RequestInfo) {
  const viewer = await deps.services.auth.resolveSession(readSessionToken(info.req.headers.get("cookie")));
  return {
    ...deps,
    ...info,
    viewer,
    user: viewer?.user ?? null,
    tenant: viewer?.tenant ?? null,
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
