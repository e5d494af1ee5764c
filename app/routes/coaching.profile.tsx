import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Checklist } from "~/components/checklist";
import { Avatar } from "~/components/coach-card";
import { CredentialFacts } from "~/components/credential-facts";
import {
  Alert,
  Badge,
  Button,
  Card,
  CheckboxField,
  EmptyState,
  Field,
  PageHeader,
  TextareaField,
} from "~/components/ui";
import { useResetOnSuccess } from "~/lib/forms";
import { sessionTypeLabels, TOPIC_OPTIONS } from "~/lib/coaching";
import { errorResponse, formError, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Your coach profile · Tandem" }];

/** Uploads are capped before the body is read (photos 5 MB, documents 10 MB, plus form overhead). */
const MAX_BODY_BYTES = 11 * 1024 * 1024;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request);
  try {
    const [profile, credentials, certification] = await Promise.all([
      api.coach.profile(),
      api.coach.credentials(),
      api.coach.certification(),
    ]);
    return json({ profile, credentials, certification });
  } catch (error) {
    throw errorResponse(error);
  }
}

const list = (form: FormData, name: string) =>
  form.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");
const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};
const file = (form: FormData, name: string) => {
  const v = form.get(name);
  return v instanceof Blob && v.size > 0 ? (v as File) : undefined;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return json(
      {
        ok: false as const,
        intent: "upload",
        message: "That file is too large. Photos may be up to 5 MB and documents up to 10 MB.",
        fieldErrors: {} as Record<string, string[]>,
      },
      { status: 413 },
    );
  }
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "profile") {
      const years = text(form, "yearsExperience").trim();
      await api.coach.updateProfile({
        displayName: text(form, "displayName"),
        bio: text(form, "bio"),
        specialties: text(form, "specialties")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
        topics: list(form, "topics") as (typeof TOPIC_OPTIONS)[number][],
        languages: text(form, "languages")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
        location: text(form, "location") || null,
        timeZone: text(form, "timeZone"),
        yearsExperience: years === "" ? null : /^\d+$/.test(years) ? Number(years) : -1,
        education: text(form, "education"),
        approach: text(form, "approach"),
        sessionTypes: list(form, "sessionTypes") as ("VIDEO" | "PHONE" | "CHAT" | "IN_PERSON")[],
      });
      return json({
        ok: true as const,
        intent,
        message: "Profile saved.",
        fieldErrors: {} as Record<string, string[]>,
      });
    }
    if (intent === "photo") {
      const photo = file(form, "photo");
      if (!photo)
        return json(
          {
            ok: false as const,
            intent,
            message: "Choose a photo to upload.",
            fieldErrors: { photo: ["Choose a photo to upload."] },
          },
          { status: 400 },
        );
      await api.coach.uploadPhoto({ photo });
      return json({
        ok: true as const,
        intent,
        message: "Photo updated.",
        fieldErrors: {} as Record<string, string[]>,
      });
    }
    if (intent === "credential") {
      await api.coach.addCredential({
        type: text(form, "type"),
        issuer: text(form, "issuer"),
        number: text(form, "number"),
        expiresOn: text(form, "expiresOn") || null,
        document: file(form, "document"),
      });
      return json({
        ok: true as const,
        intent,
        message: "Credential added. An organisation admin will verify it.",
        fieldErrors: {} as Record<string, string[]>,
      });
    }
    return json(
      { ok: false as const, intent, message: "Unknown action.", fieldErrors: {} as Record<string, string[]> },
      { status: 400 },
    );
  } catch (error) {
    const { status, body } = formError(error);
    return json({ ...body, intent }, { status });
  }
}

export default function CoachProfileEditor() {
  const { profile, credentials, certification } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const nav = useNavigation();
  const busy = (intent: string) => nav.state === "submitting" && nav.formData?.get("intent") === intent;
  const feedback = (intent: string) =>
    result && result.intent === intent ? <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert> : null;
  const errors: Record<string, string[] | undefined> = result && !result.ok ? result.fieldErrors : {};
  const editable = profile.status === "APPROVED" || profile.status === "SUSPENDED";
  // The chosen file and a credential just added do not linger in their forms.
  const photoForm = useResetOnSuccess(result?.intent === "photo" ? result : undefined);
  const credentialForm = useResetOnSuccess(result?.intent === "credential" ? result : undefined);

  return (
    <div>
      <PageHeader
        title="Your coach profile"
        description={
          <>
            What clients see in the directory.{" "}
            <Link className="text-brand-700 underline" to={`/coaches/${profile.id}`}>
              View your public profile
            </Link>{" "}
            ·{" "}
            <Link className="text-brand-700 underline" to="/coaching/integrations">
              Integrations (Cal.com)
            </Link>
          </>
        }
      />
      {profile.status === "SUSPENDED" ? (
        <Alert>
          Your profile is suspended and hidden from clients{profile.statusReason ? `: ${profile.statusReason}` : "."}
        </Alert>
      ) : null}
      {!editable ? <Alert tone="info">You can edit your profile once your application is approved.</Alert> : null}
      <div className="mt-4 grid gap-6 lg:grid-cols-3">
        <Card title="Profile" className="lg:col-span-2">
          <Form method="post" className="space-y-4" noValidate>
            <input type="hidden" name="intent" value="profile" />
            {feedback("profile")}
            <Field
              label="Display name"
              name="displayName"
              defaultValue={profile.displayName}
              errors={errors.displayName}
              required
            />
            <TextareaField label="Bio" id="bio" name="bio" rows={5} defaultValue={profile.bio} errors={errors.bio} />
            <Field
              label="Specialties"
              name="specialties"
              defaultValue={profile.specialties.join(", ")}
              hint="Separate with commas."
              errors={errors.specialties}
            />
            <fieldset>
              <legend className="text-sm font-medium text-slate-700">Topics</legend>
              <div className="mt-1 flex flex-wrap gap-3">
                {TOPIC_OPTIONS.map((t) => (
                  <CheckboxField
                    key={t}
                    label={t}
                    name="topics"
                    value={t}
                    defaultChecked={profile.topics.includes(t)}
                    wrapperClassName="gap-1.5"
                  />
                ))}
              </div>
            </fieldset>
            <fieldset>
              <legend className="text-sm font-medium text-slate-700">Session types you offer</legend>
              <div className="mt-1 flex flex-wrap gap-3">
                {Object.entries(sessionTypeLabels).map(([v, l]) => (
                  <CheckboxField
                    key={v}
                    label={l}
                    name="sessionTypes"
                    value={v}
                    defaultChecked={profile.sessionTypes.includes(v as "VIDEO")}
                    wrapperClassName="gap-1.5"
                  />
                ))}
              </div>
            </fieldset>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                label="Languages"
                name="languages"
                defaultValue={profile.languages.join(", ")}
                hint="Codes such as en, nl, de."
                errors={errors.languages ?? errors["languages.0"]}
              />
              <Field
                label="Location (for in-person sessions)"
                name="location"
                defaultValue={profile.location ?? ""}
                errors={errors.location}
              />
              <Field
                label="Time zone"
                name="timeZone"
                defaultValue={profile.timeZone}
                hint="For example Europe/Amsterdam."
                errors={errors.timeZone}
              />
              <Field
                label="Years of experience"
                name="yearsExperience"
                inputMode="numeric"
                defaultValue={profile.yearsExperience?.toString() ?? ""}
                errors={errors.yearsExperience}
              />
            </div>
            <TextareaField
              label="Education"
              id="education"
              name="education"
              rows={3}
              defaultValue={profile.education}
            />
            <TextareaField
              label="Your approach"
              id="approach"
              name="approach"
              rows={3}
              defaultValue={profile.approach}
            />
            <Button type="submit" busy={busy("profile")} disabled={!editable}>
              Save profile
            </Button>
          </Form>
        </Card>
        <div className="space-y-6">
          <Card title="Photo">
            <Form ref={photoForm} method="post" encType="multipart/form-data" className="space-y-3">
              <input type="hidden" name="intent" value="photo" />
              {feedback("photo")}
              <div className="flex items-center gap-3">
                <Avatar name={profile.displayName} photoKey={profile.photoKey} size={96} alt="Your current photo" />
                {profile.photoKey ? null : (
                  <p className="text-sm text-slate-500">No photo yet: clients see your initial.</p>
                )}
              </div>
              <label className="block text-sm font-medium text-slate-700">
                New photo (JPEG, PNG or WebP, up to 5 MB)
                <input
                  type="file"
                  name="photo"
                  accept="image/jpeg,image/png,image/webp"
                  className="mt-1 block w-full text-sm"
                />
              </label>
              <Button type="submit" variant="secondary" busy={busy("photo")} disabled={!editable}>
                Upload photo
              </Button>
            </Form>
          </Card>
          <Card
            title="Certification"
            description="Certified coaches review new coaches and, soon, host group sessions."
          >
            {certification.certified ? (
              <Badge tone="brand">Certified</Badge>
            ) : (
              <Checklist label="Certification criteria" items={certification.items} />
            )}
            {!certification.certified ? (
              <p className="mt-2 text-xs text-slate-500">
                When every criterion is met, a certified coach can certify you.
              </p>
            ) : null}
          </Card>
        </div>
        <Card
          title="Credentials"
          className="lg:col-span-3"
          description="Verified credentials give you a badge on your profile. We remind you 30 days before one expires."
        >
          {credentials.length === 0 ? (
            <EmptyState title="No credentials yet" />
          ) : (
            <ul aria-label="Credentials" className="mb-4 divide-y divide-slate-100">
              {credentials.map((c) => (
                <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    <span className="font-medium">{c.type}</span>
                    <CredentialFacts credential={c} />
                  </span>
                  <Badge tone={c.status === "VERIFIED" ? "green" : c.status === "REJECTED" ? "slate" : "amber"}>
                    {c.status === "VERIFIED"
                      ? "Verified"
                      : c.status === "REJECTED"
                        ? "Not accepted"
                        : "Awaiting verification"}
                  </Badge>
                </li>
              ))}
            </ul>
          )}
          <Form
            ref={credentialForm}
            method="post"
            encType="multipart/form-data"
            className="grid gap-3 sm:grid-cols-2"
            noValidate
          >
            <input type="hidden" name="intent" value="credential" />
            <h3 className="text-sm font-semibold text-slate-800 sm:col-span-2">Add a credential</h3>
            <div className="sm:col-span-2">{feedback("credential")}</div>
            <Field
              label="Credential"
              name="type"
              placeholder="e.g. ICF Associate Certified Coach"
              errors={errors.type}
              required
            />
            <Field label="Issued by" name="issuer" errors={errors.issuer} required />
            <Field label="Number" name="number" errors={errors.number} />
            <Field label="Expires on" name="expiresOn" type="date" errors={errors.expiresOn} />
            <label className="block text-sm font-medium text-slate-700 sm:col-span-2">
              Document (PDF, JPEG or PNG, up to 10 MB)
              <input
                type="file"
                name="document"
                accept="application/pdf,image/jpeg,image/png"
                className="mt-1 block w-full text-sm"
              />
              {errors.document ? <span className="block text-sm text-red-700">{errors.document.join(" ")}</span> : null}
            </label>
            <div>
              <Button type="submit" variant="secondary" busy={busy("credential")} disabled={!editable}>
                Add credential
              </Button>
            </div>
          </Form>
        </Card>
      </div>
    </div>
  );
}
