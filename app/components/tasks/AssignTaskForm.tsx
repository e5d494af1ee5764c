import { useEffect, useId, useState } from "react";
import { Alert, Button, controlClass } from "~/components/ui";
import { trpc } from "~/lib/trpc";
import { fieldErrorsOf } from "./live";

/** The shared control style of the form primitives (`~/components/ui`). */
const inputClass = controlClass();

function Errors({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.length ? (
    <p id={id} className="text-sm text-red-700">
      {errors.join(" ")}
    </p>
  ) : null;
}

/**
 * Assigns a task to one of the coach's ACTIVE clients: a library exercise or a one-off task,
 * a due date on the client's calendar (their zone is shown), optional daily repetition and an
 * optional goal (listed only when the client shares goals). Self-contained (tRPC hooks), so it
 * sits on the client page, in a direct thread, in the live session's side panel.
 */
export function AssignTaskForm(props: {
  /** Fixed client (client page, session panel); without it the coach chooses. */
  clientId?: string;
  /** Preselected library exercise. */
  exerciseId?: string;
  onAssigned?: (task: { id: string; title: string }) => void;
  compact?: boolean;
}) {
  const uid = useId();
  const options = trpc.tasks.assignOptions.useQuery(undefined, { retry: false });
  const library = trpc.exercises.library.useQuery({}, { retry: false });
  const utils = trpc.useUtils();
  const [clientId, setClientId] = useState(props.clientId ?? "");
  const [mode, setMode] = useState<"exercise" | "custom">("exercise");
  const [exerciseId, setExerciseId] = useState(props.exerciseId ?? "");
  const [title, setTitle] = useState("");
  const [instructions, setInstructions] = useState("");
  const [dueOn, setDueOn] = useState("");
  const [repeatDays, setRepeatDays] = useState("");
  const [goalId, setGoalId] = useState("");
  const [done, setDone] = useState<string | null>(null);
  // Goal titles are client data: read once (each read is access-logged), not on every focus.
  const goals = trpc.tasks.goalOptions.useQuery(
    { clientId },
    { enabled: Boolean(clientId), retry: false, staleTime: Infinity, refetchOnWindowFocus: false },
  );
  const assign = trpc.tasks.assign.useMutation({
    onSuccess: (task) => {
      setDone(`Assigned “${task.title}”, due ${task.dueOn}.`);
      setTitle("");
      setInstructions("");
      setRepeatDays("");
      void utils.tasks.forClient.invalidate();
      props.onAssigned?.(task);
    },
  });
  useEffect(() => {
    if (props.clientId) setClientId(props.clientId);
  }, [props.clientId]);

  const client = options.data?.clients.find((c) => c.id === clientId);
  const exercise = library.data?.find((e) => e.id === exerciseId);
  const errors = fieldErrorsOf(assign.error);
  const id = (f: string) => `${uid}-${f}`;
  const described = (f: string) => (errors[f]?.length ? `${id(f)}-error` : undefined);

  if (options.error) return <Alert>{options.error.message}</Alert>;
  const clients = options.data?.clients ?? [];

  return (
    <form
      aria-label="Assign a task"
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setDone(null);
        assign.mutate({
          clientId,
          dueOn,
          exerciseId: mode === "exercise" ? exerciseId || null : null,
          title: mode === "custom" ? title : undefined,
          instructions: mode === "custom" ? instructions : undefined,
          repeatDays: repeatDays ? Number(repeatDays) : null,
          goalId: goalId || null,
        });
      }}
    >
      {props.clientId ? null : (
        <div className="space-y-1">
          <label htmlFor={id("clientId")} className="block text-sm font-medium text-slate-700">
            Client
          </label>
          <select
            id={id("clientId")}
            className={inputClass}
            value={clientId}
            onChange={(e) => setClientId(e.target.value)}
            aria-invalid={Boolean(errors.clientId) || undefined}
            aria-describedby={described("clientId")}
          >
            <option value="">Choose a client…</option>
            {clients.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {clients.length === 0 && options.data ? (
            <p className="text-xs text-slate-500">You have no active clients yet.</p>
          ) : null}
        </div>
      )}
      <Errors id={`${id("clientId")}-error`} errors={errors.clientId} />

      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">What to assign</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name={`${uid}-mode`} checked={mode === "exercise"} onChange={() => setMode("exercise")} />
          From the library
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name={`${uid}-mode`} checked={mode === "custom"} onChange={() => setMode("custom")} />
          One-off task
        </label>
      </fieldset>

      {mode === "exercise" ? (
        <div className="space-y-1">
          <label htmlFor={id("exerciseId")} className="block text-sm font-medium text-slate-700">
            Exercise
          </label>
          <select
            id={id("exerciseId")}
            className={inputClass}
            value={exerciseId}
            onChange={(e) => setExerciseId(e.target.value)}
            aria-invalid={Boolean(errors.exerciseId) || undefined}
            aria-describedby={described("exerciseId")}
          >
            <option value="">Choose an exercise…</option>
            {(library.data ?? []).map((e) => (
              <option key={e.id} value={e.id}>
                {e.title}
                {e.challengeDays ? ` (${e.challengeDays}-day challenge)` : ""}
                {e.mine ? "" : " · shared"}
              </option>
            ))}
          </select>
          <Errors id={`${id("exerciseId")}-error`} errors={errors.exerciseId} />
        </div>
      ) : (
        <>
          <div className="space-y-1">
            <label htmlFor={id("title")} className="block text-sm font-medium text-slate-700">
              Title
            </label>
            <input
              id={id("title")}
              className={inputClass}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              aria-invalid={Boolean(errors.title) || undefined}
              aria-describedby={described("title")}
            />
            <Errors id={`${id("title")}-error`} errors={errors.title} />
          </div>
          <div className="space-y-1">
            <label htmlFor={id("instructions")} className="block text-sm font-medium text-slate-700">
              Instructions (Markdown)
            </label>
            <textarea
              id={id("instructions")}
              className={inputClass}
              rows={props.compact ? 3 : 5}
              value={instructions}
              onChange={(e) => setInstructions(e.target.value)}
              aria-invalid={Boolean(errors.instructions) || undefined}
              aria-describedby={described("instructions")}
            />
            <Errors id={`${id("instructions")}-error`} errors={errors.instructions} />
          </div>
        </>
      )}

      <div className="grid gap-3 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={id("dueOn")} className="block text-sm font-medium text-slate-700">
            Due date
          </label>
          <input
            id={id("dueOn")}
            type="date"
            className={inputClass}
            value={dueOn}
            min={client?.today}
            onChange={(e) => setDueOn(e.target.value)}
            aria-invalid={Boolean(errors.dueOn) || undefined}
            aria-describedby={`${id("dueOn")}-hint ${described("dueOn") ?? ""}`.trim()}
          />
          <p id={`${id("dueOn")}-hint`} className="text-xs text-slate-500">
            {client
              ? `On ${client.name}'s calendar (${client.timeZone}; today there: ${client.today}).`
              : "On the client's calendar."}
          </p>
          <Errors id={`${id("dueOn")}-error`} errors={errors.dueOn} />
        </div>
        <div className="space-y-1">
          <label htmlFor={id("repeatDays")} className="block text-sm font-medium text-slate-700">
            Repeat daily for (days)
          </label>
          <input
            id={id("repeatDays")}
            type="number"
            min={2}
            max={90}
            inputMode="numeric"
            className={inputClass}
            placeholder={exercise?.challengeDays ? String(exercise.challengeDays) : "No repetition"}
            value={repeatDays}
            onChange={(e) => setRepeatDays(e.target.value)}
            aria-invalid={Boolean(errors.repeatDays) || undefined}
            aria-describedby={described("repeatDays")}
          />
          <Errors id={`${id("repeatDays")}-error`} errors={errors.repeatDays} />
        </div>
      </div>

      {clientId && goals.data?.shared && goals.data.goals.length > 0 ? (
        <div className="space-y-1">
          <label htmlFor={id("goalId")} className="block text-sm font-medium text-slate-700">
            Goal (optional)
          </label>
          <select id={id("goalId")} className={inputClass} value={goalId} onChange={(e) => setGoalId(e.target.value)}>
            <option value="">No goal</option>
            {goals.data.goals.map((g) => (
              <option key={g.id} value={g.id}>
                {g.title}
              </option>
            ))}
          </select>
          <Errors id={`${id("goalId")}-error`} errors={errors.goalId} />
        </div>
      ) : null}

      {assign.error && Object.keys(errors).length === 0 ? <Alert>{assign.error.message}</Alert> : null}
      {done ? <Alert tone="success">{done}</Alert> : null}
      <Button type="submit" busy={assign.isPending} disabled={!clientId}>
        Assign task
      </Button>
    </form>
  );
}
