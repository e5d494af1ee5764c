/** Labels and helpers shared by the coaching pages. */
export const sessionTypeLabels: Record<string, string> = {
  VIDEO: "Video",
  PHONE: "Phone",
  CHAT: "Chat",
  IN_PERSON: "In person",
};

export const TOPIC_OPTIONS = [
  "communication",
  "conflict resolution",
  "nutrition",
  "fitness",
  "mindfulness",
  "career",
  "relationships",
  "stress",
  "sleep",
  "leadership",
] as const;

const languageNames =
  typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "language" }) : null;
export const languageName = (code: string) => {
  try {
    return languageNames?.of(code) ?? code;
  } catch {
    return code;
  }
};

export const coachPhotoUrl = (photoKey: string | null) => (photoKey ? `/files/${photoKey}` : null);

/** "ages" for a review queue: hours and days, plainly. */
export function formatAge(hours: number) {
  if (hours < 1) return "less than an hour";
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"}`;
  return `${Math.floor(hours / 24)} days`;
}
