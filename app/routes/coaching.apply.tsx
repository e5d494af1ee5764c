import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Checklist } from "~/components/checklist";
import { Alert, Badge, Button, Card, Field, PageHeader, TextareaField } from "~/components/ui";
import { ProgressBar } from "~/components/workspace/progress";
import { formatDateTime } from "~/lib/format";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Become a coach · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    return json({ status: await api.coach.myStatus(), timeZone: viewer.user.timeZone, role: viewer.role });
  } catch (error) {
    throw errorResponse(error);
  }
}

const splitTags = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    await api.coach.submitApplication({
      motivation: f.motivation ?? "",
      specialties: splitTags(f.specialties),
      credentialsSummary: f.credentialsSummary ?? "",
    });
    return json({
      ok: true as const,
      message: "Thank you! Your application is waiting for review; you will hear from us within 48 hours.",
      fieldErrors: {} as Record<string, string[]>,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

const statusText = {
  PENDING: "Waiting for review",
  APPROVED: "Approved",
  REJECTED: "Not approved",
  SUSPENDED: "Suspended",
} as const;

export default function Apply() {
  const { status, timeZone, role } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result && !result.ok ? result.fieldErrors : {};
  const profile = status.profile;
  const client = role === "CLIENT";
  const mayApply = client && (!profile || profile.status === "REJECTED");
  // The form only once the criteria are met (the server refuses otherwise); the checklist says what is missing.
  const canApply = mayApply && status.eligibility.eligible;
  return (
    <div>
      <PageHeader
        title="Become a coach"
        description="Tell us why you want to coach. Organisation admins and certified coaches review every application."
      />
      {result?.ok ? (
        <div className="mb-4">
          <Alert tone="success">{result.message}</Alert>
        </div>
      ) : null}
      {!client && !profile ? (
        <div className="mb-4">
          <Alert tone="info">Only members with a client account can apply to become a coach.</Alert>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        {mayApply ? (
          // First on small screens (what is needed before the form), in the side column on wide ones.
          <Card
            title="Eligibility"
            description="What this organisation asks of new coaches."
            className={profile || canApply ? "lg:order-last" : "lg:col-span-2"}
          >
            <Checklist label="Eligibility criteria" items={status.eligibility.rules} />
            <div className="mt-4 space-y-3">
              {status.eligibility.rules.map((r) => (
                <ProgressBar
                  key={r.key}
                  label={r.key === "journalDays" ? "Journal days" : "Completed exercises"}
                  value={Math.min(r.actual, r.required)}
                  max={r.required}
                />
              ))}
              <p className="text-sm">
                <Link to="/journal" className="text-brand-700 underline">
                  Write today's journal
                </Link>
              </p>
            </div>
            <p className="mt-3 text-sm font-medium">
              {status.eligibility.eligible ? "You meet every criterion." : "You can apply once every criterion is met."}
            </p>
          </Card>
        ) : null}
        <div className="space-y-6 lg:col-span-2">
          {profile ? (
            <Card title="Your application">
              <p className="text-sm">
                Status:{" "}
                <Badge
                  tone={profile.status === "APPROVED" ? "green" : profile.status === "PENDING" ? "amber" : "slate"}
                >
                  {statusText[profile.status]}
                </Badge>{" "}
                <span className="text-slate-500">· sent {formatDateTime(profile.appliedAt, timeZone)}</span>
              </p>
              {profile.statusReason ? (
                <p className="mt-2 text-sm text-slate-700">Reason: {profile.statusReason}</p>
              ) : null}
              {profile.status === "PENDING" ? (
                <p className="mt-2 text-sm text-slate-600">
                  We aim to decide within 48 hours; you will get a notification.
                </p>
              ) : null}
              {profile.status === "APPROVED" || profile.status === "SUSPENDED" ? (
                <p className="mt-2 text-sm">
                  <Link to="/coaching/profile" className="font-medium text-brand-700 underline">
                    Your coach profile
                  </Link>
                </p>
              ) : null}
            </Card>
          ) : null}
          {canApply ? (
            <Card title={profile ? "Apply again" : "Your application"}>
              <Form method="post" className="space-y-4" noValidate>
                {result && !result.ok ? <Alert>{result.message}</Alert> : null}
                <TextareaField
                  label="Why do you want to become a coach?"
                  id="motivation"
                  name="motivation"
                  rows={6}
                  required
                  errors={errors.motivation}
                  hint={errors.motivation ? undefined : "At least 50 characters."}
                />
                <Field
                  label="Specialties"
                  name="specialties"
                  hint="Separate with commas, e.g. burnout, career change."
                  errors={errors.specialties}
                  required
                />
                <Field
                  label="Credentials"
                  name="credentialsSummary"
                  hint="Certifications or training you hold (you can upload documents once approved)."
                  errors={errors.credentialsSummary}
                />
                <Button type="submit" busy={busy}>
                  Send application
                </Button>
              </Form>
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  );
}
