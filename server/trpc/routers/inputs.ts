import { z } from "zod";

/** Input pieces shared by the coaching routers. */
export const id = (what: string) => z.uuid(`Not a valid ${what} id.`);

export const tagList = (what: string, max = 12) =>
  z
    .array(z.string().trim().toLowerCase().min(1, `Empty ${what}.`).max(40, `Each ${what} is at most 40 characters.`))
    .max(max, `At most ${max} ${what}s.`)
    .transform((tags) => [...new Set(tags)]);

export const sessionType = z.enum(["VIDEO", "PHONE", "CHAT", "IN_PERSON"], {
  error: "Choose video, phone, chat or in person.",
});

export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
