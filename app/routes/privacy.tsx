import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Alert, Badge, Card, EmptyState, PageHeader } from "~/components/ui";
import { ConsentForm } from "~/components/workspace/consent-form";
import { formatDateTime } from "~/lib/format";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Privacy · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const [coaches, log, history] = await Promise.all([
      api.consent.mine(),
      api.consent.accessLog({ limit: 100 }),
      api.consent.history({}),
    ]);
    return json({ coaches, log, history, timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    const saved = await api.consent.update({
      coachProfileId: f.coachProfileId ?? "",
      journal: f.journal === "on",
      goals: f.goals === "on",
    });
    return json({
      ok: true as const,
      message: `Saved. It applies at once (journal ${saved.journal ? "shared" : "private"}, goals ${saved.goals ? "shared" : "private"}).`,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

const resourceText = { JOURNAL: "journal", GOALS: "goals", TASK_LOGS: "task logs" } as const;

export default function Privacy() {
  const { coaches, log, history, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div>
      <PageHeader
        title="Privacy"
        description="Your journal and goals are private. Decide for each coach what they may see; a change applies at once, also on pages your coach has open. Tasks a coach assigns you, with their logs and reflections, are always shared with that coach. Organisation administrators never read your journal."
      />
      {result ? (
        <div className="mb-4">
          <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="What each coach may see">
          {coaches.length === 0 ? (
            <EmptyState title="No coaches yet">
              When you start working with a coach, you decide here what they see.
            </EmptyState>
          ) : (
            <ul className="space-y-5">
              {coaches.map((c) => (
                <li key={c.coachProfileId} className="space-y-2">
                  <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-800">
                    {c.coachName}
                    {c.relationshipStatus === "ENDED" ? <Badge>Ended</Badge> : null}
                    {c.decidedAt ? null : <Badge tone="amber">Not decided yet</Badge>}
                  </p>
                  <ConsentForm
                    coachProfileId={c.coachProfileId}
                    coachName={c.coachName}
                    journal={c.journal}
                    goals={c.goals}
                  />
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card
          title="Who looked at your data"
          description="Every time a coach reads your journal, goals or task logs, it is recorded here."
        >
          {log.length === 0 ? (
            <EmptyState title="Nobody has read your data yet" />
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Access log">
              {log.map((r) => (
                <li key={r.id} className="py-2 text-sm">
                  <p>
                    <span className="font-medium">{r.viewerName}</span> read your {resourceText[r.resource]}
                    {r.detail ? <span className="text-slate-600">: {r.detail}</span> : null}
                  </p>
                  <p className="text-xs text-slate-500">{formatDateTime(r.at, timeZone)}</p>
                </li>
              ))}
            </ul>
          )}
        </Card>
        {history.length ? (
          <Card title="Your choices over time">
            <ul className="divide-y divide-slate-100 text-sm">
              {history.map((h) => (
                <li key={h.id} className="py-2">
                  {h.coachName}: journal {h.journal ? "shared" : "private"}, goals {h.goals ? "shared" : "private"}
                  <span className="block text-xs text-slate-500">{formatDateTime(h.at, timeZone)}</span>
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
      </div>
    </div>
  );
}
