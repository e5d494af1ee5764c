import { RelationshipBadge } from "~/components/workspace/relationship-badge";
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, EmptyState, Field, PageHeader, TextareaField } from "~/components/ui";
import { ProgressBar } from "~/components/workspace/progress";
import { formatDateTime } from "~/lib/format";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "My clients · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    return json({ clients: await api.relationships.clients(), timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    const inv = await api.relationships.invite({ email: f.email ?? "", message: f.message ?? "" });
    return json({
      ok: true as const,
      message: `Invitation sent to ${inv.clientName}.`,
      fieldErrors: {} as Record<string, string[]>,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

export default function MyClients() {
  const { clients, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string[]> = result && !result.ok ? result.fieldErrors : {};
  const full = clients.taken >= clients.capacity;
  return (
    <div>
      <PageHeader
        title="My clients"
        description="Your coaching relationships. A client's first confirmed session with you starts one; you can also invite a member of your organisation."
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Clients" className="lg:col-span-2">
          <ProgressBar label="Places taken" value={clients.taken} max={clients.capacity} className="mb-4" />
          {clients.relationships.length === 0 ? (
            <EmptyState title="No clients yet">A client's first confirmed booking with you adds them here.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Clients">
              {clients.relationships.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
                  <div>
                    <Link
                      to={`/coaching/clients/${r.client.id}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {r.client.name}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {r.nextSessionAt
                        ? `Next session ${formatDateTime(r.nextSessionAt, timeZone)}`
                        : "No session planned"}
                      {" · shares "}
                      {[r.consent.journal && "journal", r.consent.goals && "goals"].filter(Boolean).join(" and ") ||
                        "nothing yet"}
                    </p>
                  </div>
                  <RelationshipBadge status={r.status} />
                </li>
              ))}
            </ul>
          )}
          {clients.invitations.length ? (
            <div className="mt-4">
              <h3 className="text-sm font-medium text-slate-700">Waiting for an answer</h3>
              <ul className="text-sm text-slate-600">
                {clients.invitations.map((i) => (
                  <li key={i.id}>
                    {i.client.name} · invited {formatDateTime(i.createdAt, timeZone)}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
        <Card
          title="Invite a client"
          description="A member of your organisation, by email. They accept on their “My coach” page."
        >
          <Form method="post" className="space-y-3" noValidate>
            {result?.message ? <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert> : null}
            {full ? (
              <Alert tone="info">
                All {clients.capacity} places are taken. End a relationship to invite someone new.
              </Alert>
            ) : null}
            <Field label="Email" name="email" type="email" required errors={errors.email} />
            <TextareaField label="Message (optional)" name="message" rows={3} errors={errors.message} />
            <Button busy={busy} disabled={full}>
              Send invitation
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
