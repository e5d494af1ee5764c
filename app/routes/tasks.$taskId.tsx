import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import type { ChatMessage } from "@realtime/contracts.ts";
import { Markdown } from "~/components/markdown";
import { fieldErrorsOf, STATUS_TONES, useTaskUpdates } from "~/components/tasks/live";
import { TaskThread } from "~/components/tasks/TaskThread";
import { Alert, Badge, Button, Card, controlClass } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { trpc } from "~/lib/trpc";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

/** The limit the service enforces (server/services/tasks/rules.ts, REFLECTION_MAX_CHARS). */
const TEXT_MAX = 4000;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.task.title ?? "Task"} · Tandem` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const task = await api.tasks.get({ taskId: params.taskId ?? "" });
    return json({ task, viewerId: viewer.user.id, timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1))
    out.push(d.toISOString().slice(0, 10));
  return out;
};
/** The shared control style of the form primitives (`~/components/ui`). */
const inputClass = controlClass();

export default function TaskPage() {
  const { task, viewerId, timeZone } = useLoaderData<typeof loader>();
  const { revalidate } = useRevalidator();
  const [posted, setPosted] = useState<ChatMessage[]>([]);
  useTaskUpdates((u) => {
    if (u.taskId === task.id) revalidate();
  });
  const names = useMemo(
    () => ({ [task.clientId]: task.clientName, [task.coachUserId]: task.coachName }),
    [task.clientId, task.clientName, task.coachUserId, task.coachName],
  );
  const isClient = task.viewer === "client";

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link to="/tasks" className="text-brand-700 hover:underline">
            ← Tasks
          </Link>
        </p>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{task.title}</h1>
          <Badge tone={STATUS_TONES[task.status]}>
            <span data-testid="task-status">{task.statusLabel}</span>
          </Badge>
        </div>
        <p className="mt-1 text-sm text-slate-600">
          {isClient ? `From ${task.coachName}` : `For ${task.clientName}`} · due {task.dueOn}
          {isClient ? "" : ` (${task.clientName}'s calendar, ${task.clientTimeZone})`}
          {task.overdue ? " · overdue" : ""}
          {task.goal ? ` · goal: ${task.goal.title}` : ""}
        </p>
      </div>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <Card title="Instructions">
            {task.instructions ? (
              <Markdown>{task.instructions}</Markdown>
            ) : (
              <p className="text-sm text-slate-500">No instructions.</p>
            )}
            {task.files.length ? (
              <ul className="mt-3 space-y-1 text-sm">
                {task.files.map((f) => (
                  <li key={f.id}>
                    <a className="text-brand-700 underline" href={`/exercise-files/${f.id}`}>
                      {f.name}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </Card>

          {task.repeatDays && task.startOn && task.lastDay ? <DailyLog /> : null}

          {isClient ? (
            <ReflectionForm onPosted={(m) => setPosted((p) => [...p, m])} />
          ) : (
            <CoachActions onPosted={(m) => setPosted((p) => [...p, m])} />
          )}

          <Card title="History">
            <ol className="space-y-1 text-sm text-slate-700">
              {task.history.map((h, i) => (
                <li key={i}>
                  <time dateTime={h.at}>{formatDateTime(h.at, timeZone)}</time>: {h.by} —{" "}
                  {h.from ? `${h.from.toLowerCase().replace("_", " ")} → ` : ""}
                  {h.to.toLowerCase().replace("_", " ")}
                </li>
              ))}
            </ol>
          </Card>
        </div>
        <Card title="Thread" description="Reflections, feedback and messages between you two.">
          <TaskThread threadId={task.threadId} viewerId={viewerId} names={names} timeZone={timeZone} posted={posted} />
        </Card>
      </div>
    </div>
  );
}

function DailyLog() {
  const { task } = useLoaderData<typeof loader>();
  const { revalidate } = useRevalidator();
  const isClient = task.viewer === "client";
  const lastLoggable = task.lastDay! < task.today ? task.lastDay! : task.today;
  const loggable = task.startOn! <= task.today ? days(task.startOn!, lastLoggable) : [];
  const [day, setDay] = useState(loggable.at(-1) ?? task.startOn!);
  const [values, setValues] = useState<Record<string, number | boolean | string>>({});
  const [note, setNote] = useState("");
  const log = trpc.tasks.log.useMutation({ onSuccess: () => revalidate() });
  const errors = fieldErrorsOf(log.error);
  const open = ["ASSIGNED", "IN_PROGRESS", "SUBMITTED"].includes(task.status);
  const byDay = new Map(task.logs.map((l) => [l.day, l]));
  return (
    <Card
      title="Daily log"
      description={`Day by day from ${task.startOn} to ${task.lastDay} (${task.clientTimeZone}).`}
      actions={
        task.streak ? (
          <span className="text-sm font-medium text-slate-700" data-testid="streak">
            🔥 {task.streak.current}-day streak · {task.streak.logged}/{task.repeatDays} days
          </span>
        ) : null
      }
    >
      <ol className="mb-4 grid grid-cols-7 gap-1 text-center text-xs" aria-label="Days of the challenge">
        {days(task.startOn!, task.lastDay!).map((d) => (
          <li
            key={d}
            title={d}
            className={
              byDay.has(d) ? "rounded bg-emerald-100 py-1 text-emerald-900" : "rounded bg-slate-100 py-1 text-slate-600"
            }
          >
            {d.slice(8)}
            <span className="sr-only">{byDay.has(d) ? " logged" : " not logged"}</span>
          </li>
        ))}
      </ol>
      {task.logs.length ? (
        <ul className="mb-4 space-y-1 text-sm">
          {task.logs.map((l) => (
            <li key={l.day}>
              <span className="font-medium">{l.day}</span>:{" "}
              {task.logFields
                .map(
                  (f) =>
                    `${f.label} ${typeof l.values[f.key] === "boolean" ? (l.values[f.key] ? "yes" : "no") : (l.values[f.key] ?? "–")}`,
                )
                .join(" · ")}
              {l.note ? ` — ${l.note}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
      {isClient && open && loggable.length ? (
        <form
          aria-label="Log a day"
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            log.mutate({ taskId: task.id, day, values, note });
          }}
        >
          <div className="space-y-1">
            <label htmlFor="log-day" className="block text-sm font-medium text-slate-700">
              Day
            </label>
            <select id="log-day" className={inputClass} value={day} onChange={(e) => setDay(e.target.value)}>
              {loggable.map((d) => (
                <option key={d} value={d}>
                  {d}
                  {d === task.today ? " (today)" : ""}
                </option>
              ))}
            </select>
            {errors.day ? <p className="text-sm text-red-700">{errors.day.join(" ")}</p> : null}
          </div>
          {task.logFields.map((f) => (
            <div key={f.key} className="space-y-1">
              {f.type === "boolean" ? (
                <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
                  <input
                    type="checkbox"
                    checked={values[f.key] === true}
                    onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.checked }))}
                  />
                  {f.label}
                </label>
              ) : (
                <>
                  <label htmlFor={`log-${f.key}`} className="block text-sm font-medium text-slate-700">
                    {f.label}
                    {f.type === "scale" ? ` (${f.min}–${f.max})` : ""}
                  </label>
                  {f.type === "scale" ? (
                    <input
                      id={`log-${f.key}`}
                      type="number"
                      min={f.min}
                      max={f.max}
                      className={inputClass}
                      value={typeof values[f.key] === "number" ? String(values[f.key]) : ""}
                      onChange={(e) =>
                        setValues((v) => ({ ...v, [f.key]: e.target.value === "" ? "" : Number(e.target.value) }))
                      }
                    />
                  ) : (
                    <input
                      id={`log-${f.key}`}
                      className={inputClass}
                      maxLength={1000}
                      value={typeof values[f.key] === "string" ? String(values[f.key]) : ""}
                      onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
                    />
                  )}
                </>
              )}
              {errors[`values.${f.key}`] ? (
                <p className="text-sm text-red-700">{errors[`values.${f.key}`]!.join(" ")}</p>
              ) : null}
            </div>
          ))}
          <div className="space-y-1">
            <label htmlFor="log-note" className="block text-sm font-medium text-slate-700">
              Note (optional)
            </label>
            <input
              id="log-note"
              className={inputClass}
              maxLength={1000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          {log.error && !Object.keys(errors).length ? <Alert>{log.error.message}</Alert> : null}
          {log.isSuccess ? <Alert tone="success">Logged {log.variables?.day}.</Alert> : null}
          <Button type="submit" busy={log.isPending}>
            Save this day
          </Button>
        </form>
      ) : null}
    </Card>
  );
}

function ReflectionForm({ onPosted }: { onPosted: (m: ChatMessage) => void }) {
  const { task } = useLoaderData<typeof loader>();
  const { revalidate } = useRevalidator();
  const key = `tandem:reflection:${task.id}`;
  const [text, setText] = useState("");
  useEffect(() => {
    setText(window.localStorage.getItem(key) ?? "");
  }, [key]);
  const start = trpc.tasks.start.useMutation({ onSuccess: () => revalidate() });
  const reflect = trpc.tasks.reflect.useMutation({
    onSuccess: (res) => {
      window.localStorage.removeItem(key);
      setText("");
      setFile(null);
      onPosted(res.message);
      revalidate();
    },
  });
  const errors = fieldErrorsOf(reflect.error);
  const [file, setFile] = useState<{ attachmentId: string; name: string } | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  /** An optional file goes up through the thread's attachment route first; the reflection carries its id. */
  const upload = async (chosen: File | undefined) => {
    setFile(null);
    setUploadError(null);
    if (!chosen) return;
    setUploading(true);
    try {
      const form = new FormData();
      form.append("file", chosen);
      const res = await fetch(`/chat/${task.threadId}/attachments`, { method: "POST", body: form });
      const body = (await res.json()) as
        { ok: true; attachmentId: string; name: string } | { ok: false; message: string };
      if (body.ok) setFile({ attachmentId: body.attachmentId, name: body.name });
      else setUploadError(body.message);
    } catch {
      setUploadError("The upload failed; check your connection and try again.");
    } finally {
      setUploading(false);
    }
  };
  const open = ["ASSIGNED", "IN_PROGRESS", "SUBMITTED"].includes(task.status);
  if (!open)
    return (
      <Card title="Your reflection">
        <p className="text-sm text-slate-600">
          {task.status === "DONE" ? "This task is done." : "Your coach has reviewed this task."} Your coach can reopen
          it for another round.
        </p>
        {task.status === "REVIEWED" ? <MarkDone /> : null}
      </Card>
    );
  return (
    <Card title="Your reflection" description="What did you notice? Your coach sees it in the thread.">
      <form
        aria-label="Reflection"
        className="space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          reflect.mutate({ taskId: task.id, text, attachmentId: file?.attachmentId });
        }}
      >
        <label htmlFor="reflection" className="sr-only">
          Reflection
        </label>
        <textarea
          id="reflection"
          rows={5}
          className={inputClass}
          value={text}
          aria-invalid={Boolean(errors.text) || undefined}
          aria-describedby="reflection-count"
          onChange={(e) => {
            setText(e.target.value);
            window.localStorage.setItem(key, e.target.value);
            // A draft begun: the task is under way.
            if (task.status === "ASSIGNED" && !start.isPending && !start.isSuccess) start.mutate({ taskId: task.id });
          }}
        />
        <p id="reflection-count" className={text.length > TEXT_MAX ? "text-xs text-red-700" : "text-xs text-slate-500"}>
          {text.length.toLocaleString("en-GB")} / {TEXT_MAX.toLocaleString("en-GB")} characters
        </p>
        {errors.text ? <p className="text-sm text-red-700">{errors.text.join(" ")}</p> : null}
        <div className="space-y-1">
          <label htmlFor="reflection-file" className="block text-sm text-slate-700">
            Attach a file (optional: PDF or image, up to 10 MB)
          </label>
          <input
            id="reflection-file"
            type="file"
            accept="application/pdf,image/jpeg,image/png,image/webp"
            className="text-sm"
            onChange={(e) => void upload(e.target.files?.[0])}
          />
          {uploading ? <p className="text-xs text-slate-500">Uploading…</p> : null}
          {file ? <p className="text-xs text-slate-600">Ready: {file.name}</p> : null}
          {uploadError ? <p className="text-sm text-red-700">{uploadError}</p> : null}
          {errors.attachmentId ? <p className="text-sm text-red-700">{errors.attachmentId.join(" ")}</p> : null}
        </div>
        {reflect.error && !errors.text && !errors.attachmentId ? <Alert>{reflect.error.message}</Alert> : null}
        <Button type="submit" busy={reflect.isPending} disabled={!text.trim() || uploading}>
          Post reflection
        </Button>
      </form>
    </Card>
  );
}

function MarkDone() {
  const { task } = useLoaderData<typeof loader>();
  const { revalidate } = useRevalidator();
  const done = trpc.tasks.complete.useMutation({ onSuccess: () => revalidate() });
  return (
    <div className="mt-3 space-y-2">
      {done.error ? <Alert>{done.error.message}</Alert> : null}
      <Button variant="secondary" busy={done.isPending} onClick={() => done.mutate({ taskId: task.id })}>
        Mark done
      </Button>
    </div>
  );
}

function CoachActions({ onPosted }: { onPosted: (m: ChatMessage) => void }) {
  const { task } = useLoaderData<typeof loader>();
  const { revalidate } = useRevalidator();
  const [text, setText] = useState("");
  const feedback = trpc.tasks.feedback.useMutation({
    onSuccess: (res) => {
      setText("");
      onPosted(res.message);
    },
  });
  const review = trpc.tasks.review.useMutation({ onSuccess: () => revalidate() });
  const reopen = trpc.tasks.reopen.useMutation({ onSuccess: () => revalidate() });
  const nextDue = new Date(Date.parse(`${task.today}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
  const [nextTitle, setNextTitle] = useState(`Next step: ${task.title}`.slice(0, 120));
  const [nextOn, setNextOn] = useState(nextDue);
  const next = trpc.tasks.proposeNext.useMutation();
  const errors = fieldErrorsOf(feedback.error);
  const nextErrors = fieldErrorsOf(next.error);
  const failure = review.error ?? reopen.error;
  return (
    <>
      <Card title="Feedback" description="Your answer to the reflection; the client is told.">
        <form
          aria-label="Feedback"
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            feedback.mutate({ taskId: task.id, text });
          }}
        >
          <label htmlFor="feedback" className="sr-only">
            Feedback
          </label>
          <textarea
            id="feedback"
            rows={4}
            className={inputClass}
            value={text}
            aria-invalid={Boolean(errors.text) || undefined}
            onChange={(e) => setText(e.target.value)}
          />
          <p className="text-xs text-slate-500">
            {text.length.toLocaleString("en-GB")} / {TEXT_MAX.toLocaleString("en-GB")} characters
          </p>
          {errors.text ? <p className="text-sm text-red-700">{errors.text.join(" ")}</p> : null}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" busy={feedback.isPending} disabled={!text.trim()}>
              Send feedback
            </Button>
            {task.status === "SUBMITTED" ? (
              <Button
                type="button"
                variant="secondary"
                busy={review.isPending}
                onClick={() => review.mutate({ taskId: task.id })}
              >
                Mark reviewed
              </Button>
            ) : null}
            {task.status === "REVIEWED" ? <MarkDone /> : null}
            {["SUBMITTED", "REVIEWED", "DONE"].includes(task.status) ? (
              <Button
                type="button"
                variant="ghost"
                busy={reopen.isPending}
                onClick={() => reopen.mutate({ taskId: task.id })}
              >
                Reopen
              </Button>
            ) : null}
          </div>
          {failure ? <Alert>{failure.message}</Alert> : null}
        </form>
      </Card>
      <Card title="Propose the next step" description="Becomes a follow-up task for the same client and goal.">
        <form
          aria-label="Propose the next step"
          className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            next.mutate({ taskId: task.id, title: nextTitle, dueOn: nextOn });
          }}
        >
          <div className="space-y-1">
            <label htmlFor="next-title" className="block text-sm font-medium text-slate-700">
              Next step
            </label>
            <input
              id="next-title"
              className={inputClass}
              value={nextTitle}
              onChange={(e) => setNextTitle(e.target.value)}
            />
            {nextErrors.title ? <p className="text-sm text-red-700">{nextErrors.title.join(" ")}</p> : null}
          </div>
          <div className="space-y-1">
            <label htmlFor="next-due" className="block text-sm font-medium text-slate-700">
              Due
            </label>
            <input
              id="next-due"
              type="date"
              min={task.today}
              className={inputClass}
              value={nextOn}
              onChange={(e) => setNextOn(e.target.value)}
            />
            {nextErrors.dueOn ? <p className="text-sm text-red-700">{nextErrors.dueOn.join(" ")}</p> : null}
          </div>
          <Button type="submit" busy={next.isPending}>
            Propose
          </Button>
        </form>
        {next.data ? (
          <Alert tone="success">
            Follow-up assigned:{" "}
            <Link className="underline" to={`/tasks/${next.data.id}`}>
              {next.data.title}
            </Link>
          </Alert>
        ) : null}
        {next.error && !Object.keys(nextErrors).length ? <Alert>{next.error.message}</Alert> : null}
      </Card>
    </>
  );
}
