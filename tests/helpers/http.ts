/** Calls a tRPC procedure over real HTTP, as the browser's client does (mutations are POSTs). */
export async function trpcHttp<T = unknown>(
  baseUrl: string,
  path: string,
  options: { input?: unknown; token?: string; mutation?: boolean } = {},
): Promise<{
  status: number;
  body: { result?: { data: T }; error?: { message: string; data: { code: string } } };
  headers: Headers;
}> {
  const headers: Record<string, string> = { origin: baseUrl, "content-type": "application/json" };
  if (options.token) headers.cookie = `tandem_session=${options.token}`;
  const url = new URL(`/api/trpc/${path}`, baseUrl);
  let res: Response;
  if (options.mutation) {
    res = await fetch(url, { method: "POST", headers, body: JSON.stringify(options.input ?? null) });
  } else {
    if (options.input !== undefined) url.searchParams.set("input", JSON.stringify(options.input));
    res = await fetch(url, { headers });
  }
  return { status: res.status, body: (await res.json()) as never, headers: res.headers };
}

export function cookieToken(headers: Headers): string {
  const m = /tandem_session=([^;]+)/.exec(headers.get("set-cookie") ?? "");
  if (!m?.[1]) throw new Error("no session cookie in the response");
  return m[1];
}
