import { changeRelationship } from "~/lib/relationships.server";
import { RelationshipBadge } from "~/components/workspace/relationship-badge";
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChatPanel } from "~/components/chat/ChatPanel";
import { Alert, Button, Card, EmptyState, PageHeader } from "~/components/ui";
import { ConsentForm } from "~/components/workspace/consent-form";
import { formatDateTime } from "~/lib/format";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "My coach · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    return json({ mine: await api.relationships.mine(), timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    switch (f.intent) {
      case "consent":
        await api.consent.update({
          coachProfileId: f.coachProfileId ?? "",
          journal: f.journal === "on",
          goals: f.goals === "on",
        });
        return json({ ok: true as const, message: "Saved. You can change this any time on Privacy." });
      case "invitation": {
        const r = await api.relationships.respondToInvitation({
          invitationId: f.invitationId ?? "",
          accept: f.accept === "true",
        });
        return json({ ok: true as const, message: r.accepted ? "You have a new coach." : "Invitation declined." });
      }
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

export default function MyCoach() {
  const { mine, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const current = mine.relationships.filter((r) => r.status !== "ENDED");
  const ended = mine.relationships.filter((r) => r.status === "ENDED");
  return (
    <div>
      <PageHeader
        title="My coach"
        description={
          <>
            Your coaching relationships, a direct line to your coach, and what they may see. Also:{" "}
            <Link to="/goals" className="text-brand-700 underline">
              my goals
            </Link>
            ,{" "}
            <Link to="/journal" className="text-brand-700 underline">
              my journal
            </Link>
            ,{" "}
            <Link to="/privacy" className="text-brand-700 underline">
              privacy
            </Link>
            .
          </>
        }
      />
      {result?.message ? (
        <div className="mb-4">
          <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert>
        </div>
      ) : null}
      {mine.invitations.length ? (
        <Card title="Invitations" className="mb-6">
          <ul className="space-y-3">
            {mine.invitations.map((i) => (
              <li key={i.id} className="space-y-2 text-sm">
                <p>
                  <span className="font-medium">{i.coach.name}</span> invites you to coaching
                  {i.message ? <span className="block text-slate-600">“{i.message}”</span> : null}
                </p>
                <div className="flex gap-2">
                  <Form method="post">
                    <input type="hidden" name="intent" value="invitation" />
                    <input type="hidden" name="invitationId" value={i.id} />
                    <input type="hidden" name="accept" value="true" />
                    <Button>Accept</Button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="intent" value="invitation" />
                    <input type="hidden" name="invitationId" value={i.id} />
                    <input type="hidden" name="accept" value="false" />
                    <Button variant="secondary">Decline</Button>
                  </Form>
                </div>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      {current.length === 0 && mine.invitations.length === 0 ? (
        <Card>
          <EmptyState title="You have no coach yet">
            Book a session with a coach in the{" "}
            <Link to="/coaches" className="text-brand-700 underline">
              directory
            </Link>
            : your first session starts your coaching relationship.
          </EmptyState>
        </Card>
      ) : null}
      <div className="space-y-6">
        {current.map((r) => (
          <div key={r.id} className="grid gap-6 lg:grid-cols-2">
            <Card
              title={r.coach.name}
              description={`Since ${formatDateTime(r.startedAt, timeZone)}`}
              actions={<RelationshipBadge status={r.status} />}
            >
              <div className="space-y-4">
                {r.consent.decidedAt ? (
                  <p className="text-sm text-slate-700">
                    {r.coach.name} may see:{" "}
                    {[r.consent.journal && "your journal", r.consent.goals && "your goals"]
                      .filter(Boolean)
                      .join(" and ") || "nothing beyond the tasks they assign you"}
                    .{" "}
                    <Link to="/privacy" className="text-brand-700 underline">
                      Change
                    </Link>
                  </p>
                ) : (
                  <div
                    className="rounded-md bg-amber-50 p-3 ring-1 ring-amber-200"
                    role="region"
                    aria-label="Choose what your coach may see"
                  >
                    <p className="mb-2 text-sm font-medium text-amber-900">
                      What may {r.coach.name} see? Nothing is shared until you decide.
                    </p>
                    <ConsentForm
                      coachProfileId={r.coach.profileId}
                      coachName={r.coach.name}
                      journal={false}
                      goals={false}
                      submitLabel="Save my choice"
                    />
                  </div>
                )}
                <div className="flex flex-wrap gap-2">
                  {r.status === "ACTIVE" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="pause" />
                      <input type="hidden" name="relationshipId" value={r.id} />
                      <Button variant="secondary">Pause</Button>
                    </Form>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="resume" />
                      <input type="hidden" name="relationshipId" value={r.id} />
                      <Button variant="secondary">Resume</Button>
                    </Form>
                  )}
                  <Form method="post">
                    <input type="hidden" name="intent" value="end" />
                    <input type="hidden" name="relationshipId" value={r.id} />
                    <Button variant="danger">End coaching</Button>
                  </Form>
                  <Link to={`/coaches/${r.coach.profileId}`} className="self-center text-sm text-brand-700 underline">
                    Book a session
                  </Link>
                </div>
              </div>
            </Card>
            {r.threadId ? (
              <ChatPanel threadId={r.threadId} label={`Chat with ${r.coach.name}`} className="min-h-[24rem]" />
            ) : null}
          </div>
        ))}
      </div>
      {ended.length ? (
        <Card title="Earlier coaches" className="mt-6">
          <ul className="text-sm">
            {ended.map((r) => (
              <li key={r.id}>
                {r.coach.name}
                {r.endedAt ? (
                  <span className="text-slate-500"> · ended {formatDateTime(r.endedAt, timeZone)}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
