import { Link } from "@remix-run/react";
import { Alert, Badge, EmptyState, Spinner } from "~/components/ui";
import { trpc } from "~/lib/trpc";
import { STATUS_TONES, useTaskUpdates } from "./live";

/**
 * The coach's tasks for one client, open first, each linking to its task page (thread,
 * reflections, feedback). Live: a `task:updated` for this client refreshes the list.
 */
export function ClientTasks(props: { clientId: string; openOnly?: boolean; title?: string }) {
  const list = trpc.tasks.forClient.useQuery({ clientId: props.clientId, openOnly: props.openOnly }, { retry: false });
  useTaskUpdates((u) => {
    if (u.clientId === props.clientId) void list.refetch();
  });
  if (list.error) return <Alert>{list.error.message}</Alert>;
  if (!list.data) return <Spinner label="Loading tasks…" />;
  const tasks = [...list.data.tasks].sort((a, b) => Number(a.status === "DONE") - Number(b.status === "DONE"));
  if (tasks.length === 0)
    return <EmptyState title={props.openOnly ? "No open tasks" : "No tasks yet"}>Assign one below.</EmptyState>;
  return (
    <ul aria-label={props.title ?? "Tasks"} className="divide-y divide-slate-100">
      {tasks.map((t) => (
        <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2" data-task-id={t.id}>
          <div className="min-w-0">
            <Link to={`/tasks/${t.id}`} className="font-medium text-brand-700 hover:underline">
              {t.title}
            </Link>
            <p className="text-xs text-slate-500">
              Due {t.dueOn}
              {t.repeatDays ? ` · daily for ${t.repeatDays} days` : ""}
              {t.overdue ? " · overdue" : ""}
            </p>
          </div>
          <Badge tone={STATUS_TONES[t.status]}>{t.statusLabel}</Badge>
        </li>
      ))}
    </ul>
  );
}
