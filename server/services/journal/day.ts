import { DateTime } from "luxon";

/** "2026-12-06": the calendar day of this moment in an IANA zone (the member's own day). */
export function dayIn(moment: Date, timeZone: string): string {
  const d = DateTime.fromJSDate(moment, { zone: timeZone });
  return (d.isValid ? d : DateTime.fromJSDate(moment, { zone: "UTC" })).toISODate()!;
}

/** A DATE column's value (midnight UTC) for "YYYY-MM-DD", and back. */
export const dateColumn = (day: string) => new Date(`${day}T00:00:00.000Z`);
export const dayOf = (column: Date) => column.toISOString().slice(0, 10);

/** The day before or after, as "YYYY-MM-DD". */
export const addDays = (day: string, n: number) =>
  DateTime.fromISO(day, { zone: "UTC" }).plus({ days: n }).toISODate()!;

/**
 * Raw HTML in text meant as Markdown (`<script>`, `<img onerror=…>`, `<!-- -->`): refused with a
 * field error at the boundary. Rendering is inert anyway (app/components/markdown.tsx never
 * renders HTML); refusing says so to the writer instead of silently showing their tags as text.
 * A lone "<" ("a < b", "<3") is fine.
 */
export const containsHtml = (text: string) => /<\s*\/?\s*[a-z!][^>]*>/i.test(text);
export const HTML_MESSAGE = "Use Markdown, not HTML: tags such as <script> or <b> are not allowed.";
