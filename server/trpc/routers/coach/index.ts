import { TOPICS } from "@server/services/coaches/service.ts";
import { coachingProcedure, router, z } from "@server/trpc/init.ts";
import { isTimeZone, sessionType, tagList } from "../inputs.ts";

export const applyInput = z.object({
  motivation: z
    .string()
    .trim()
    .min(50, "Tell us a bit more: at least 50 characters.")
    .max(4000, "At most 4000 characters."),
  specialties: tagList("specialty").refine((s) => s.length > 0, "Name at least one specialty."),
  credentialsSummary: z.string().trim().max(2000, "At most 2000 characters.").default(""),
});

export const profileInput = z.object({
  displayName: z.string().trim().min(2, "Use at least 2 characters.").max(80, "Use at most 80 characters."),
  bio: z.string().trim().max(4000, "At most 4000 characters."),
  specialties: tagList("specialty"),
  topics: z
    .array(z.enum(TOPICS, { error: "Unknown topic." }))
    .max(TOPICS.length)
    .transform((t) => [...new Set(t)]),
  languages: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z]{2,3}$/, "Use language codes such as en or nl."),
    )
    .max(10)
    .transform((l) => [...new Set(l)]),
  location: z.string().trim().max(120, "At most 120 characters.").nullable(),
  timeZone: z.string().refine(isTimeZone, "Unknown time zone."),
  yearsExperience: z.number().int("Whole years.").min(0, "Cannot be negative.").max(70, "At most 70 years.").nullable(),
  education: z.string().trim().max(2000, "At most 2000 characters."),
  approach: z.string().trim().max(2000, "At most 2000 characters."),
  sessionTypes: z
    .array(sessionType)
    .max(4)
    .transform((t) => [...new Set(t)]),
});

const upload = (what: string) => z.instanceof(Blob, { error: `Attach the ${what} as a file.` });
const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

export const credentialInput = z.object({
  type: z.string().trim().min(2, "Name the credential, e.g. ICF ACC.").max(120),
  issuer: z.string().trim().min(2, "Name who issued it.").max(120),
  number: z.string().trim().max(80).default(""),
  expiresOn: z.iso
    .date("Use a date such as 2027-06-30.")
    .nullable()
    .transform((d) => (d ? new Date(d) : null)),
  /** Only through a server-side caller or a multipart form; JSON cannot carry it. */
  document: upload("document").optional(),
});

/** The coach's own side: applying, the profile, credentials and the certification checklist. */
export const coachRouter = router({
  myStatus: coachingProcedure.query(({ ctx }) => ctx.services.coaches.myStatus(ctx.actor)),
  submitApplication: coachingProcedure
    .input(applyInput)
    .mutation(({ ctx, input }) => ctx.services.coaches.apply(ctx.actor, input)),
  profile: coachingProcedure.query(({ ctx }) => ctx.services.coaches.ownProfile(ctx.actor)),
  updateProfile: coachingProcedure
    .input(profileInput)
    .mutation(({ ctx, input }) => ctx.services.coaches.updateProfile(ctx.actor, input)),
  certification: coachingProcedure.query(async ({ ctx }) => {
    const profile = await ctx.services.coaches.ownProfile(ctx.actor);
    return ctx.services.coaches.certificationChecklist(ctx.actor.tenantId, profile.id);
  }),
  credentials: coachingProcedure.query(({ ctx }) => ctx.services.coaches.myCredentials(ctx.actor)),
  addCredential: coachingProcedure.input(credentialInput).mutation(async ({ ctx, input }) => {
    const { document, ...fields } = input;
    const file = document
      ? { name: document instanceof File ? document.name : "document", bytes: await bytesOf(document) }
      : null;
    return ctx.services.coaches.addCredential(ctx.actor, { ...fields, document: file });
  }),
  uploadPhoto: coachingProcedure
    .input(z.object({ photo: upload("photo") }))
    .mutation(async ({ ctx, input }) => ctx.services.coaches.uploadPhoto(ctx.actor, await bytesOf(input.photo))),
});
