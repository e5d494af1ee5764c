import { z } from "zod";

/**
 * What exercises and tasks share: the daily-log fields of a challenge, the checks on Markdown,
 * and the limits. Pure (no database), so routers, services and pages use the same rules.
 */

export const TITLE_MAX = 120;
export const INSTRUCTIONS_MAX = 10_000;
export const LOG_FIELDS_MAX = 8;
export const CHALLENGE_DAYS_MAX = 90;
export const TOPICS_MAX = 10;
export const EXERCISE_FILES_MAX = 5;
/** A log's free-text answer and its note. */
export const LOG_TEXT_MAX = 1_000;

export const logFieldSchema = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, "Keys are lower-case letters, digits and _ (up to 32), starting with a letter."),
    label: z.string().trim().min(1, "Give the field a label.").max(80, "Labels are at most 80 characters."),
    type: z.enum(["scale", "boolean", "text"], { error: "A field is a scale, a yes/no or a text." }),
    min: z.number().int("Whole numbers only.").min(0).max(100).optional(),
    max: z.number().int("Whole numbers only.").min(1).max(100).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.type !== "scale") return;
    if (f.min === undefined || f.max === undefined)
      ctx.addIssue({ code: "custom", path: ["max"], message: "A scale needs a lowest and a highest value." });
    else if (f.min >= f.max)
      ctx.addIssue({ code: "custom", path: ["max"], message: "The highest value must be above the lowest." });
  });
export type LogField = z.infer<typeof logFieldSchema>;

export const logFieldsSchema = z
  .array(logFieldSchema)
  .max(LOG_FIELDS_MAX, `At most ${LOG_FIELDS_MAX} log fields.`)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((f, i) => {
      if (seen.has(f.key)) ctx.addIssue({ code: "custom", path: [i, "key"], message: "Each field needs its own key." });
      seen.add(f.key);
    });
  });

/** Parsed log fields from the database (Json), dropping anything malformed. */
export function readLogFields(value: unknown): LogField[] {
  const parsed = logFieldsSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/**
 * Markdown that would be dangerous if a renderer ever let HTML through: script-like elements,
 * event-handler attributes, `javascript:` and HTML `data:` links. Refused with a field error.
 * Any other HTML is allowed in the text and shown inert, as literal text
 * (app/components/markdown.tsx never renders raw HTML).
 */
const UNSAFE_MARKUP =
  /<\s*\/?\s*(script|iframe|object|embed|style|link|meta|base|form|svg|math|template)\b|<[^>]*\son[a-z]+\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text\/html/i;

export const MARKDOWN_UNSAFE_MESSAGE =
  "Write Markdown only: scripts, embedded pages, event handlers and javascript: links are not allowed.";

export const isUnsafeMarkdown = (text: string) => UNSAFE_MARKUP.test(text);

/** A Markdown text field: required or not, with a length cap and the unsafe-markup check. */
export const markdownText = (max: number, required: string | null) =>
  z
    .string()
    .trim()
    .min(required ? 1 : 0, required ?? undefined)
    .max(max, `At most ${max.toLocaleString("en-GB")} characters.`)
    .refine((s) => !isUnsafeMarkdown(s), MARKDOWN_UNSAFE_MESSAGE);

export type LogValues = Record<string, number | boolean | string>;

/**
 * Checks one day's log against the task's fields: every scale and yes/no answered, values in
 * range, texts capped; unknown keys refused. Returns the clean values or field errors keyed
 * `values.<key>`.
 */
export function checkLogValues(
  fields: LogField[],
  values: Record<string, unknown>,
): { ok: true; values: LogValues } | { ok: false; fieldErrors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const clean: LogValues = {};
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(values))
    if (!known.has(key)) errors[`values.${key}`] = ["This task has no such log field."];
  for (const f of fields) {
    const v = values[f.key];
    const at = `values.${f.key}`;
    if (f.type === "scale") {
      if (typeof v !== "number" || !Number.isInteger(v)) errors[at] = [`Choose a whole number for “${f.label}”.`];
      else if (v < (f.min ?? 0) || v > (f.max ?? 10))
        errors[at] = [`“${f.label}” is from ${f.min ?? 0} to ${f.max ?? 10}.`];
      else clean[f.key] = v;
    } else if (f.type === "boolean") {
      if (typeof v !== "boolean") errors[at] = [`Answer “${f.label}” with yes or no.`];
      else clean[f.key] = v;
    } else {
      if (v === undefined || v === "") continue;
      if (typeof v !== "string") errors[at] = [`“${f.label}” is text.`];
      else if (v.length > LOG_TEXT_MAX) errors[at] = [`At most ${LOG_TEXT_MAX} characters.`];
      else clean[f.key] = v.trim();
    }
  }
  return Object.keys(errors).length ? { ok: false, fieldErrors: errors } : { ok: true, values: clean };
}

/** The exercise fields a coach writes (create and update). */
export const exerciseInputSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(3, "Give the exercise a title of at least 3 characters.")
      .max(TITLE_MAX, `At most ${TITLE_MAX} characters.`),
    instructions: markdownText(INSTRUCTIONS_MAX, "Write the instructions."),
    category: z.string().trim().max(60, "At most 60 characters.").default(""),
    topics: z
      .array(z.string().trim().toLowerCase().min(1).max(40, "Topics are at most 40 characters."))
      .max(TOPICS_MAX, `At most ${TOPICS_MAX} topics.`)
      .default([]),
    estimatedMinutes: z
      .number()
      .int("Whole minutes.")
      .min(1, "At least 1 minute.")
      .max(600, "At most 600 minutes.")
      .nullable()
      .default(null),
    challengeDays: z
      .number()
      .int("Whole days.")
      .min(2, "A challenge lasts at least 2 days.")
      .max(CHALLENGE_DAYS_MAX, `A challenge lasts at most ${CHALLENGE_DAYS_MAX} days.`)
      .nullable()
      .default(null),
    logFields: logFieldsSchema.default([]),
  })
  .superRefine((e, ctx) => {
    if (e.challengeDays === null && e.logFields.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["challengeDays"],
        message: "Daily log fields belong to a challenge: give its number of days.",
      });
  });
export type ExerciseInput = z.input<typeof exerciseInputSchema>;
