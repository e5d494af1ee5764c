/**
 * Cross-site request protection: a state-changing request (and every socket handshake) is
 * refused when the browser says it comes from another origin. APP_ORIGIN, when set, is the
 * one allowed origin; otherwise the request's own Host is.
 */
export function originAllowed(
  appOrigin: string | undefined,
  origin: string | undefined,
  host: string | undefined,
): boolean {
  if (!origin) return true; // not sent by a browser for this request; Sec-Fetch-Site is checked separately
  if (origin === "null") return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (appOrigin) return parsed.origin === appOrigin;
  return host !== undefined && parsed.host === host;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isCrossSiteMutation(
  appOrigin: string | undefined,
  req: { method: string; path: string; headers: Record<string, string | string[] | undefined> },
): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  if (req.path.startsWith("/webhooks/")) return false; // signed by their senders instead
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  if (header("sec-fetch-site") === "cross-site") return true;
  return !originAllowed(appOrigin, header("origin"), header("host"));
}
