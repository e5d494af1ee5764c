import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { AssignTaskForm } from "~/components/tasks/AssignTaskForm";
import { STATUS_TONES, useTaskUpdates } from "~/components/tasks/live";
import { Badge, Card, EmptyState, PageHeader } from "~/components/ui";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Tasks · Tandem" }];

const COACH_ROLES = ["COACH", "CERTIFIED_COACH", "PERSONAL_TRAINER"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const isCoach = COACH_ROLES.includes(viewer.role);
    const [mine, assigned] = await Promise.all([
      api.tasks.mine(),
      isCoach ? api.tasks.forClient({}).catch(() => null) : Promise.resolve(null),
    ]);
    return json({ mine, assigned: assigned?.tasks ?? null });
  } catch (error) {
    throw errorResponse(error);
  }
}

/** The client's tasks (due dates on their calendar, streaks) and, for coaches, the tasks they assigned. Live. */
export default function Tasks() {
  const { mine, assigned } = useLoaderData<typeof loader>();
  const { revalidate } = useRevalidator();
  useTaskUpdates(() => revalidate());
  const open = mine.tasks.filter((t) => t.status !== "DONE");
  const done = mine.tasks.filter((t) => t.status === "DONE");
  return (
    <div className="space-y-6">
      <PageHeader
        title={assigned ? "Tasks" : "My tasks"}
        description={`Exercises and tasks from your coach, with their due dates (today is ${mine.today} in ${mine.timeZone}).`}
      />
      {assigned ? (
        <Card
          title="Tasks you assigned"
          actions={
            <Link className="text-sm text-brand-700 underline" to="/coaching/exercises">
              Exercise library
            </Link>
          }
        >
          {assigned.length === 0 ? (
            <EmptyState title="No tasks yet">Assign an exercise from the library to one of your clients.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Tasks you assigned">
              {assigned.map((t) => (
                <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <div className="min-w-0">
                    <Link to={`/tasks/${t.id}`} className="font-medium text-brand-700 hover:underline">
                      {t.title}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {t.clientName} · due {t.dueOn}
                      {t.overdue ? " · overdue" : ""}
                    </p>
                  </div>
                  <Badge tone={STATUS_TONES[t.status]}>{t.statusLabel}</Badge>
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}
      {assigned ? (
        <Card title="Assign a task" description="A library exercise or a one-off task, for one of your active clients.">
          <AssignTaskForm onAssigned={() => revalidate()} />
        </Card>
      ) : null}
      {!assigned || mine.tasks.length > 0 ? (
        <Card title="Your tasks">
          {open.length === 0 ? (
            <EmptyState title="No open tasks">When your coach assigns an exercise, it appears here.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Your open tasks">
              {open.map((t) => (
                <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                  <div className="min-w-0">
                    <Link to={`/tasks/${t.id}`} className="font-medium text-brand-700 hover:underline">
                      {t.title}
                    </Link>
                    <p className="text-xs text-slate-500">
                      From {t.coachName} · due {t.dueToday ? "today" : t.dueOn}
                      {t.overdue ? " · overdue" : ""}
                      {t.streak ? ` · 🔥 ${t.streak.current}-day streak (${t.streak.logged}/${t.repeatDays} days)` : ""}
                    </p>
                  </div>
                  <Badge tone={STATUS_TONES[t.status]}>{t.statusLabel}</Badge>
                </li>
              ))}
            </ul>
          )}
          {done.length ? (
            <details className="mt-4 text-sm">
              <summary className="cursor-pointer text-slate-700">Done ({done.length})</summary>
              <ul className="mt-2 space-y-1">
                {done.map((t) => (
                  <li key={t.id}>
                    <Link to={`/tasks/${t.id}`} className="text-brand-700 hover:underline">
                      {t.title}
                    </Link>
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </Card>
      ) : null}
    </div>
  );
}
