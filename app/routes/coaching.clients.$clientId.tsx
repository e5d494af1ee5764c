import { changeRelationship } from "~/lib/relationships.server";
import { RelationshipBadge } from "~/components/workspace/relationship-badge";
import { AssignTaskForm } from "~/components/tasks/AssignTaskForm";
import { ClientTasks } from "~/components/tasks/ClientTasks";
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChatPanel } from "~/components/chat/ChatPanel";
import { Markdown } from "~/components/markdown";
import { Alert, Button, Card, EmptyState, PageHeader } from "~/components/ui";
import { GoalCard } from "~/components/workspace/goal-card";
import { useLiveConsent } from "~/components/workspace/live";
import { formatDateTime } from "~/lib/format";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Client · Tandem" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  const clientId = params.clientId ?? "";
  try {
    const overview = await api.relationships.clientOverview({ clientId });
    const consent =
      overview.relationship.status === "ENDED" ? { journal: false, goals: false } : overview.relationship.consent;
    // Each read below passes the consent gate and is recorded in the client's access log.
    const [journal, goals] = await Promise.all([
      consent.journal ? api.journal.forClient({ clientId }) : null,
      consent.goals ? api.goals.forClient({ clientId }) : null,
    ]);
    return json({ overview, journal, goals, timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    switch (f.intent) {
      case "confirm":
        await api.goals.confirm({ goalId: f.goalId ?? "" });
        return json({ ok: true as const, message: "Goal confirmed as reached." });
      case "pause":
      case "resume":
      case "end":
        await changeRelationship(api, f.intent, f);
        return json({ ok: true as const, message: "" });
      default:
        return json({ ok: false as const, message: "Unknown action." }, { status: 400 });
    }
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

export default function ClientPage() {
  const { overview, journal, goals, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const r = overview.relationship;
  useLiveConsent(r.client.id);
  return (
    <div>
      <PageHeader
        title={r.client.name}
        description={
          <>
            Client since {formatDateTime(r.startedAt, timeZone)} ·{" "}
            <Link to="/coaching/clients" className="text-brand-700 underline">
              All clients
            </Link>
          </>
        }
      />
      {result?.message ? (
        <div className="mb-4">
          <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title="Relationship" actions={<RelationshipBadge status={r.status} />}>
            <p className="text-sm text-slate-700">
              Shares with you:{" "}
              {[r.consent.journal && "journal", r.consent.goals && "goals"].filter(Boolean).join(" and ") ||
                (r.consent.decidedAt ? "nothing beyond the tasks you assign" : "not decided yet")}
              .
            </p>
            {r.status !== "ENDED" ? (
              <div className="mt-3 flex flex-wrap gap-2">
                <Form method="post">
                  <input type="hidden" name="intent" value={r.status === "ACTIVE" ? "pause" : "resume"} />
                  <input type="hidden" name="relationshipId" value={r.id} />
                  <Button variant="secondary">{r.status === "ACTIVE" ? "Pause" : "Resume"}</Button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value="end" />
                  <input type="hidden" name="relationshipId" value={r.id} />
                  <Button variant="danger">End coaching</Button>
                </Form>
              </div>
            ) : null}
          </Card>
          <Card title="Sessions">
            <h3 className="text-sm font-medium text-slate-700">Upcoming</h3>
            {overview.upcoming.length === 0 ? <p className="text-sm text-slate-500">None planned.</p> : null}
            <ul className="mb-3 text-sm">
              {overview.upcoming.map((b) => (
                <li key={b.id}>
                  <Link to={`/bookings/${b.id}`} className="text-brand-700 hover:underline">
                    {formatDateTime(b.startsAt, timeZone)}
                  </Link>{" "}
                  · {b.what}
                  {b.topic ? ` · ${b.topic}` : ""}
                </li>
              ))}
            </ul>
            <h3 className="text-sm font-medium text-slate-700">Past</h3>
            {overview.past.length === 0 ? <p className="text-sm text-slate-500">None yet.</p> : null}
            <ul className="text-sm">
              {overview.past.map((b) => (
                <li key={b.id}>
                  <Link to={`/bookings/${b.id}`} className="text-brand-700 hover:underline">
                    {formatDateTime(b.startsAt, timeZone)}
                  </Link>{" "}
                  · {b.what} · {b.status.toLowerCase().replace("_", "-")}
                </li>
              ))}
            </ul>
          </Card>
          <Card title="Tasks">
            <div className="space-y-4">
              <ClientTasks clientId={r.client.id} title="Open and completed tasks" />
              <details className="rounded-md ring-1 ring-slate-200">
                <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-brand-700">Assign a task</summary>
                <div className="p-3">
                  <AssignTaskForm clientId={r.client.id} compact />
                </div>
              </details>
            </div>
          </Card>
          <Card title="Goals">
            {goals === null ? (
              <p className="text-sm text-slate-500" data-testid="goals-private">
                {r.client.name} has not shared their goals with you.
              </p>
            ) : goals.length === 0 ? (
              <EmptyState title="No goals yet" />
            ) : (
              <div className="space-y-4">
                {goals.map((g) => (
                  <GoalCard
                    key={g.id}
                    goal={g}
                    actions={
                      g.status === "CLAIMED" ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="confirm" />
                          <input type="hidden" name="goalId" value={g.id} />
                          <Button>Confirm reached</Button>
                        </Form>
                      ) : null
                    }
                  />
                ))}
              </div>
            )}
          </Card>
          <Card title="Journal" description={journal ? `Entries of ${journal.from} – ${journal.to}` : undefined}>
            {journal === null ? (
              <p className="text-sm text-slate-500" data-testid="journal-private">
                {r.client.name} has not shared their journal with you.
              </p>
            ) : journal.entries.length === 0 ? (
              <EmptyState title="No entries in the last 30 days" />
            ) : (
              <ol className="space-y-4" aria-label="Client journal">
                {journal.entries.map((e) => (
                  <li key={e.id}>
                    <h3 className="text-sm font-semibold text-slate-800">{e.date}</h3>
                    <Markdown>{e.body}</Markdown>
                  </li>
                ))}
              </ol>
            )}
          </Card>
          <Card title="Your session notes">
            {overview.notes.length === 0 ? (
              <p className="text-sm text-slate-500">No notes yet.</p>
            ) : (
              <ul className="space-y-3">
                {overview.notes.map((n) => (
                  <li key={`${n.bookingId}-${n.visibility}`} className="text-sm">
                    <p className="text-xs text-slate-500">
                      {n.sessionStartsAt ? formatDateTime(n.sessionStartsAt, timeZone) : ""} ·{" "}
                      {n.visibility === "PRIVATE" ? "private note" : "shared progress note"}
                    </p>
                    <p className="whitespace-pre-wrap text-slate-800">{n.body}</p>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        {r.threadId ? (
          <ChatPanel threadId={r.threadId} label={`Chat with ${r.client.name}`} className="min-h-[24rem]" />
        ) : null}
      </div>
    </div>
  );
}
