import type { ReactNode } from "react";
import { Markdown } from "~/components/markdown";
import { Badge } from "~/components/ui";
import { ProgressBar } from "./progress";

export interface GoalView {
  id: string;
  title: string;
  description: string;
  targetDate: string | null;
  status: "ACTIVE" | "CLAIMED" | "REACHED" | "ABANDONED";
  coach: { profileId: string; name: string } | null;
  confirmedBy: string | null;
  progress: { done: number; total: number; percent: number };
  milestones: { id: string; title: string; targetDate: string | null; doneAt: string | null }[];
}

const statusBadge = {
  ACTIVE: { tone: "brand", text: "In progress" },
  CLAIMED: { tone: "amber", text: "Waiting for your coach to confirm" },
  REACHED: { tone: "green", text: "Reached" },
  ABANDONED: { tone: "slate", text: "Given up" },
} as const;

/** One goal with its progress bar and milestones; `milestoneAction` and `actions` are the viewer's controls. */
export function GoalCard({
  goal,
  milestoneAction,
  actions,
}: {
  goal: GoalView;
  milestoneAction?: (m: GoalView["milestones"][number]) => ReactNode;
  actions?: ReactNode;
}) {
  const badge = statusBadge[goal.status];
  return (
    <article className="space-y-3 rounded-lg p-4 ring-1 ring-slate-200" aria-label={`Goal: ${goal.title}`}>
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="font-semibold text-slate-900">{goal.title}</h3>
          <p className="text-xs text-slate-500">
            {goal.targetDate ? `Target ${goal.targetDate}` : "No target date"}
            {goal.coach ? ` · with ${goal.coach.name}` : ""}
            {goal.confirmedBy ? ` · confirmed by ${goal.confirmedBy}` : ""}
          </p>
        </div>
        <Badge tone={badge.tone}>{badge.text}</Badge>
      </header>
      {goal.description ? <Markdown>{goal.description}</Markdown> : null}
      {goal.progress.total > 0 || goal.status === "REACHED" ? (
        <ProgressBar
          label="Milestones done"
          value={goal.status === "REACHED" && goal.progress.total === 0 ? 1 : goal.progress.done}
          max={goal.progress.total || 1}
        />
      ) : null}
      {goal.milestones.length ? (
        <ul className="space-y-1" aria-label={`Milestones of ${goal.title}`}>
          {goal.milestones.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
              <span className={m.doneAt ? "text-slate-500 line-through" : "text-slate-800"}>
                <span aria-hidden>{m.doneAt ? "✓ " : "○ "}</span>
                <span className="sr-only">{m.doneAt ? "Done: " : "Open: "}</span>
                {m.title}
                {m.targetDate ? <span className="text-xs text-slate-500"> (by {m.targetDate})</span> : null}
              </span>
              {milestoneAction ? milestoneAction(m) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
    </article>
  );
}
