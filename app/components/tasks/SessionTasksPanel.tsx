import { Link } from "@remix-run/react";
import { useState } from "react";
import { Alert, Badge, Button, EmptyState, Spinner } from "~/components/ui";
import { trpc } from "~/lib/trpc";
import { AssignTaskForm } from "./AssignTaskForm";
import { ClientTasks } from "./ClientTasks";
import { STATUS_TONES, useTaskUpdates } from "./live";

/**
 * The tasks side panel of a live session room, self-contained (tRPC and the socket) so the room
 * page only mounts it next to the call and the chat:
 * - for the coach (`viewer: "coach"`): the client's open tasks with this coach and a form to
 *   assign one while talking;
 * - for the client (`viewer: "client"`): their open tasks from this coach, where a task the
 *   coach assigns during the session appears live (`task:updated`), without a reload.
 */
export function SessionTasksPanel(props: {
  clientId: string;
  coachProfileId: string;
  viewer: "coach" | "client";
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="session-tasks-title" className={props.className ?? "space-y-3"}>
      <div className="flex items-center justify-between gap-2">
        <h2 id="session-tasks-title" className="text-sm font-semibold text-slate-900">
          Tasks
        </h2>
        {props.viewer === "coach" ? (
          <Button variant="secondary" type="button" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
            {open ? "Close" : "Assign a task"}
          </Button>
        ) : null}
      </div>
      {props.viewer === "coach" ? (
        <>
          {open ? <AssignTaskForm clientId={props.clientId} compact /> : null}
          <ClientTasks clientId={props.clientId} openOnly title="Open tasks" />
        </>
      ) : (
        <OwnOpenTasks coachProfileId={props.coachProfileId} />
      )}
    </section>
  );
}

function OwnOpenTasks({ coachProfileId }: { coachProfileId: string }) {
  const mine = trpc.tasks.mine.useQuery(undefined, { retry: false });
  useTaskUpdates((u) => {
    if (u.coachProfileId === coachProfileId) void mine.refetch();
  });
  if (mine.error) return <Alert>{mine.error.message}</Alert>;
  if (!mine.data) return <Spinner label="Loading tasks…" />;
  const tasks = mine.data.tasks.filter((t) => t.coachProfileId === coachProfileId && t.status !== "DONE");
  if (tasks.length === 0) return <EmptyState title="No open tasks from this coach" />;
  return (
    <ul aria-label="Open tasks" className="divide-y divide-slate-100">
      {tasks.map((t) => (
        <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
          <div className="min-w-0">
            <Link to={`/tasks/${t.id}`} target="_blank" className="font-medium text-brand-700 hover:underline">
              {t.title}
            </Link>
            <p className="text-xs text-slate-500">Due {t.dueOn}</p>
          </div>
          <Badge tone={STATUS_TONES[t.status]}>{t.statusLabel}</Badge>
        </li>
      ))}
    </ul>
  );
}
