/** Formats an instant in the viewer's own time zone, naming the zone. */
export function formatDateTime(value: Date | string, timeZone: string, locale = "en-GB"): string {
  const date = typeof value === "string" ? new Date(value) : value;
  // dateStyle/timeStyle cannot be combined with timeZoneName (a TypeError), so the parts are named one by one.
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(date);
}

export const roleLabels: Record<string, string> = {
  CLIENT: "Client",
  COACH: "Coach",
  CERTIFIED_COACH: "Certified coach",
  PERSONAL_TRAINER: "Personal trainer",
  TENANT_ADMIN: "Organisation admin",
  SYSTEM_ADMIN: "System admin",
};

export const rolePlurals: Record<string, string> = {
  CLIENT: "Clients",
  COACH: "Coaches",
  CERTIFIED_COACH: "Certified coaches",
  PERSONAL_TRAINER: "Personal trainers",
  TENANT_ADMIN: "Organisation admins",
  SYSTEM_ADMIN: "System admins",
};

export function describeUserAgent(ua: string | null): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Chrome\//.test(ua)
      ? "Chrome"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Mac OS X/.test(ua)
      ? "macOS"
      : /Android/.test(ua)
        ? "Android"
        : /iPhone|iPad/.test(ua)
          ? "iOS"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}
