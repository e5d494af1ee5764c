import { addDays, dateToDay, dayIn, dayToDate } from "../days.ts";

export { addDays, dayIn };
/** A DATE column's value (midnight UTC) for "YYYY-MM-DD", and back. */
export const dateColumn = dayToDate;
export const dayOf = dateToDay;

/**
 * Raw HTML in text meant as Markdown (`<script>`, `<img onerror=…>`, `<!-- -->`): refused with a
 * field error at the boundary. Rendering is inert anyway (app/components/markdown.tsx never
 * renders HTML); refusing says so to the writer instead of silently showing their tags as text.
 * A lone "<" ("a < b", "<3") is fine.
 */
export const containsHtml = (text: string) => /<\s*\/?\s*[a-z!][^>]*>/i.test(text);
export const HTML_MESSAGE = "Use Markdown, not HTML: tags such as <script> or <b> are not allowed.";
