import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Checklist } from "~/components/checklist";
import { Alert, Badge, Button, Card, EmptyState, Field, PageHeader } from "~/components/ui";
import { formatAge } from "~/lib/coaching";
import { formatDateTime } from "~/lib/format";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Coach applications · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const queue = await api.coachAdmin.reviewQueue();
    const candidates = viewer.role === "CERTIFIED_COACH" ? await api.coachAdmin.certificationCandidates() : null;
    return json({ queue, candidates, timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    if (f.intent === "certify") {
      await api.coachAdmin.certify({ coachId: f.coachId ?? "" });
      return json({
        ok: true as const,
        coachId: f.coachId,
        message: "Coach certified.",
        fieldErrors: {} as Record<string, string[]>,
      });
    }
    const approve = f.intent === "approve";
    await api.coachAdmin.decide({ coachId: f.coachId ?? "", approve, reason: f.reason?.trim() || null });
    return json({
      ok: true as const,
      coachId: f.coachId,
      message: approve
        ? "Application approved. The applicant has been told."
        : "Application rejected. The applicant has been told why.",
      fieldErrors: {} as Record<string, string[]>,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json({ ...body, coachId: f.coachId }, { status });
  }
}

export default function ReviewQueue() {
  const { queue, candidates, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  // Only the card being sent waits; the others stay usable.
  const busy = (coachId: string) =>
    navigation.state === "submitting" && navigation.formData?.get("coachId") === coachId;
  const failure = (coachId: string) => (result && !result.ok && result.coachId === coachId ? result : null);
  return (
    <div>
      <PageHeader
        title="Coach applications"
        description="Decide on each application within 48 hours. Approving makes the applicant a coach; rejecting needs a reason they will read."
      />
      {result?.ok ? (
        <div className="mb-4">
          <Alert tone="success">{result.message}</Alert>
        </div>
      ) : null}
      <div className="space-y-4">
        {queue.length === 0 ? (
          <EmptyState title="No applications are waiting">
            New applications appear here and in your notifications.
          </EmptyState>
        ) : null}
        {queue.map((a) => (
          <Card
            key={a.id}
            title={a.displayName}
            description={`${a.email} · applied ${formatDateTime(a.appliedAt, timeZone)}`}
            actions={
              <Badge tone={a.overdue ? "amber" : "slate"}>
                {a.overdue ? `Overdue: waiting ${formatAge(a.ageHours)}` : `Waiting ${formatAge(a.ageHours)}`}
              </Badge>
            }
          >
            <div className="grid gap-4 md:grid-cols-3">
              <div className="space-y-2 text-sm md:col-span-2">
                <p className="whitespace-pre-line text-slate-700">{a.motivation}</p>
                <p>
                  <span className="font-medium">Specialties:</span> {a.specialties.join(", ")}
                </p>
                {a.credentialsSummary ? (
                  <p>
                    <span className="font-medium">Credentials:</span> {a.credentialsSummary}
                  </p>
                ) : null}
              </div>
              <Checklist label={`Eligibility of ${a.displayName}`} items={a.eligibility.rules} />
            </div>
            <Form method="post" className="mt-4 space-y-3" noValidate>
              <input type="hidden" name="coachId" value={a.id} />
              {failure(a.id) && !failure(a.id)!.fieldErrors.reason ? <Alert>{failure(a.id)!.message}</Alert> : null}
              <Field
                label="Reason (required to reject)"
                name="reason"
                errors={failure(a.id)?.fieldErrors.reason}
                hint="The applicant reads it in their notification and mail."
              />
              <div className="flex flex-wrap gap-3">
                <Button name="intent" value="approve" busy={busy(a.id)}>
                  Approve
                </Button>
                <Button name="intent" value="reject" variant="danger" busy={busy(a.id)}>
                  Reject
                </Button>
              </div>
            </Form>
          </Card>
        ))}
      </div>
      {candidates ? (
        <section aria-labelledby="certification" className="mt-10">
          <h2 id="certification" className="mb-3 text-lg font-semibold">
            Certification
          </h2>
          {candidates.length === 0 ? <EmptyState title="No coaches to consider" /> : null}
          <div className="grid gap-4 md:grid-cols-2">
            {candidates.map((c) => (
              <Card key={c.id} title={c.displayName}>
                <Checklist label={`Certification criteria for ${c.displayName}`} items={c.checklist.items} />
                <Form method="post" className="mt-3">
                  <input type="hidden" name="coachId" value={c.id} />
                  {failure(c.id) ? <Alert>{failure(c.id)!.message}</Alert> : null}
                  <Button name="intent" value="certify" disabled={!c.checklist.eligible} busy={busy(c.id)}>
                    Certify
                  </Button>
                </Form>
              </Card>
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}
