import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { Alert, Button, Card, controlClass, EmptyState } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import type { NotesActionResult } from "~/routes/bookings.$bookingId.notes";

/** What the booking page's loader hands over (sessionNotes.forBooking, serialised). */
export interface SessionFile {
  id: string;
  kind: "PREPARATION" | "RESOURCE";
  fileName: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
  mine: boolean;
  uploadedBy?: string;
}
export interface ActionItemView {
  id: string;
  text: string;
  doneAt: string | null;
}
export interface SessionNotesView {
  viewer: "coach" | "client";
  files: SessionFile[];
  sharedNote: { body: string; updatedAt: string } | null;
  privateNote?: { body: string; updatedAt: string } | null;
  actionItems: ActionItemView[];
  can: { addPreparation: boolean; addResource: boolean; editNotes: boolean; tickActionItems: boolean };
  notesOpenAt: string;
}
export interface FileLimits {
  accept: string;
  maxBytes: number;
  typesLabel: string;
  maxLabel: string;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

const textareaClass = controlClass();

/** Files of one kind, each a download link; the viewer's own can be removed. */
export function FileList({
  bookingId,
  files,
  label,
  removable = true,
}: {
  bookingId: string;
  files: SessionFile[];
  label: string;
  removable?: boolean;
}) {
  if (files.length === 0) return null;
  return (
    <ul aria-label={label} className="divide-y divide-slate-100 text-sm">
      {files.map((f) => (
        <li key={f.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
          <span className="min-w-0">
            <a
              className="font-medium text-brand-700 underline"
              href={`/bookings/${bookingId}/files/${f.id}`}
              download={f.fileName}
            >
              {f.fileName}
            </a>
            <span className="block text-xs text-slate-500">
              {formatSize(f.sizeBytes)}
              {f.uploadedBy ? ` · added by ${f.mine ? "you" : f.uploadedBy}` : ""}
            </span>
          </span>
          {removable && f.mine ? <RemoveFile bookingId={bookingId} file={f} /> : null}
        </li>
      ))}
    </ul>
  );
}

function RemoveFile({ bookingId, file }: { bookingId: string; file: SessionFile }) {
  const fetcher = useFetcher<NotesActionResult>();
  return (
    <fetcher.Form method="post" action={`/bookings/${bookingId}/notes`}>
      <input type="hidden" name="intent" value="deleteFile" />
      <input type="hidden" name="fileId" value={file.id} />
      <Button type="submit" variant="ghost" busy={fetcher.state !== "idle"} aria-label={`Remove ${file.fileName}`}>
        Remove
      </Button>
      {fetcher.data && !fetcher.data.ok ? (
        <span role="alert" className="text-sm text-red-700">
          {fetcher.data.message}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

/** Attaches one file of a kind; the chosen file is checked for size in the browser before sending. */
function Upload({
  bookingId,
  kind,
  limits,
  label,
}: {
  bookingId: string;
  kind: "PREPARATION" | "RESOURCE";
  limits: FileLimits;
  label: string;
}) {
  const fetcher = useFetcher<NotesActionResult>();
  const form = useRef<HTMLFormElement>(null);
  const id = useId();
  const [localError, setLocalError] = useState<string | null>(null);
  const busy = fetcher.state !== "idle";
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) form.current?.reset();
  }, [fetcher.state, fetcher.data]);
  const error = localError ?? (fetcher.data && !fetcher.data.ok ? fetcher.data.message : null);
  return (
    <fetcher.Form
      ref={form}
      method="post"
      action={`/bookings/${bookingId}/notes`}
      encType="multipart/form-data"
      className="mt-3 space-y-2"
      onSubmit={(event) => {
        const input = event.currentTarget.elements.namedItem("file") as HTMLInputElement | null;
        const file = input?.files?.[0];
        if (!file) {
          event.preventDefault();
          setLocalError("Choose a file to attach.");
        } else if (file.size > limits.maxBytes) {
          event.preventDefault();
          setLocalError(`${file.name} is ${formatSize(file.size)}; the limit is ${limits.maxLabel}.`);
        } else setLocalError(null);
      }}
    >
      <input type="hidden" name="intent" value="upload" />
      <input type="hidden" name="kind" value={kind} />
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name="file"
        type="file"
        accept={limits.accept}
        aria-describedby={`${id}-hint`}
        className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium"
      />
      <p id={`${id}-hint`} className="text-xs text-slate-500">
        {limits.typesLabel}; up to {limits.maxLabel}.
      </p>
      {error ? (
        <Alert>{error}</Alert>
      ) : fetcher.data?.ok && fetcher.state === "idle" ? (
        <Alert tone="success">{fetcher.data.message}</Alert>
      ) : null}
      <Button type="submit" variant="secondary" busy={busy}>
        Attach
      </Button>
    </fetcher.Form>
  );
}

/** One note with an explicit save; the text stays in the box whatever the server answers. */
function NoteEditor({
  bookingId,
  visibility,
  label,
  hint,
  note,
  timeZone,
}: {
  bookingId: string;
  visibility: "PRIVATE" | "SHARED";
  label: string;
  hint: string;
  note: { body: string; updatedAt: string } | null | undefined;
  timeZone: string;
}) {
  const fetcher = useFetcher<NotesActionResult>();
  const id = useId();
  const [body, setBody] = useState(note?.body ?? "");
  const [saved, setSaved] = useState(note?.body ?? "");
  const [savedAt, setSavedAt] = useState(note?.updatedAt ?? null);
  // Before hydration (or without JavaScript) the button cannot know about edits: keep it enabled.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const submitted = useRef(body);
  const saving = fetcher.state !== "idle";
  const result = fetcher.data?.intent === `saveNote:${visibility}` ? fetcher.data : undefined;
  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok) {
      setSaved(submitted.current);
      if (result.savedAt) setSavedAt(result.savedAt);
    }
  }, [fetcher.state, result]);
  const dirty = body !== saved;
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  return (
    <fetcher.Form
      method="post"
      action={`/bookings/${bookingId}/notes`}
      className="space-y-2"
      onSubmit={() => (submitted.current = body)}
    >
      <input type="hidden" name="intent" value="saveNote" />
      <input type="hidden" name="visibility" value={visibility} />
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <p id={`${id}-hint`} className="text-xs text-slate-500">
        {hint}
      </p>
      <textarea
        id={id}
        name="body"
        rows={6}
        maxLength={20_000}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        aria-describedby={`${id}-hint ${id}-status`}
        className={textareaClass}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="secondary" busy={saving} disabled={hydrated && !dirty && !saving}>
          {saving ? "Saving…" : `Save ${visibility === "PRIVATE" ? "private" : "shared"} note`}
        </Button>
        <span id={`${id}-status`} role="status" className="text-xs text-slate-500">
          {saving ? "Saving…" : dirty ? "Unsaved changes" : savedAt ? `Saved ${formatDateTime(savedAt, timeZone)}` : ""}
        </span>
      </div>
      {result && !result.ok && !saving ? (
        <Alert>{result.message} Your text is still here; try saving again.</Alert>
      ) : null}
    </fetcher.Form>
  );
}

function ActionItems({
  bookingId,
  items,
  viewer,
  canEdit,
  canTick,
}: {
  bookingId: string;
  items: ActionItemView[];
  viewer: "coach" | "client";
  canEdit: boolean;
  canTick: boolean;
}) {
  const add = useFetcher<NotesActionResult>();
  const form = useRef<HTMLFormElement>(null);
  const id = useId();
  useEffect(() => {
    if (add.state === "idle" && add.data?.ok) form.current?.reset();
  }, [add.state, add.data]);
  return (
    <div className="space-y-3">
      {items.length === 0 ? (
        <EmptyState title="No action items yet">
          {viewer === "coach"
            ? "Agree on next steps with your client and add them here."
            : "Your coach adds them during or after the session."}
        </EmptyState>
      ) : (
        <ul aria-label="Action items" className="space-y-2 text-sm">
          {items.map((item) => (
            <ActionItemRow
              key={item.id}
              bookingId={bookingId}
              item={item}
              canTick={canTick}
              canRemove={viewer === "coach" && canEdit}
            />
          ))}
        </ul>
      )}
      {viewer === "coach" && canEdit ? (
        <add.Form
          ref={form}
          method="post"
          action={`/bookings/${bookingId}/notes`}
          className="flex flex-wrap items-end gap-2"
        >
          <input type="hidden" name="intent" value="addActionItem" />
          <label htmlFor={id} className="min-w-48 flex-1 text-sm font-medium text-slate-700">
            New action item
            <input id={id} name="text" maxLength={500} required className={`mt-1 ${textareaClass}`} />
          </label>
          <Button type="submit" variant="secondary" busy={add.state !== "idle"}>
            Add action item
          </Button>
          {add.data && !add.data.ok && add.state === "idle" ? (
            <div className="w-full">
              <Alert>{add.data.fieldErrors.text?.join(" ") ?? add.data.message}</Alert>
            </div>
          ) : null}
        </add.Form>
      ) : null}
    </div>
  );
}

export function ActionItemRow({
  bookingId,
  item,
  canTick,
  canRemove,
}: {
  bookingId: string;
  item: ActionItemView;
  canTick: boolean;
  canRemove: boolean;
}) {
  const tick = useFetcher<NotesActionResult>();
  const remove = useFetcher<NotesActionResult>();
  // Optimistic: the box shows what was asked for from the click on (before the fetcher has
  // even started), until the server's answer arrives; a refused change shows the stored state.
  const [asked, setAsked] = useState<boolean | null>(null);
  useEffect(() => setAsked(null), [item.doneAt]);
  const pending = tick.formData ? tick.formData.get("done") === "true" : null;
  const refused = tick.state === "idle" && tick.data !== undefined && !tick.data.ok;
  const done = pending ?? (refused ? item.doneAt !== null : (asked ?? item.doneAt !== null));
  const id = useId();
  const failed =
    (tick.state === "idle" && tick.data && !tick.data.ok ? tick.data.message : null) ??
    (remove.state === "idle" && remove.data && !remove.data.ok ? remove.data.message : null);
  return (
    <li className="flex flex-wrap items-center gap-2">
      {canTick ? (
        <input
          id={id}
          type="checkbox"
          checked={done}
          onChange={(e) => {
            setAsked(e.target.checked);
            tick.submit(
              { intent: "tickActionItem", itemId: item.id, done: String(e.target.checked) },
              { method: "post", action: `/bookings/${bookingId}/notes` },
            );
          }}
          className="h-4 w-4 rounded border-slate-300 text-brand-600 focus:ring-brand-500"
        />
      ) : (
        <span aria-hidden className={done ? "text-emerald-700" : "text-slate-400"}>
          {done ? "✓" : "○"}
        </span>
      )}
      <label htmlFor={canTick ? id : undefined} className={done ? "text-slate-500 line-through" : "text-slate-800"}>
        {item.text}
        {!canTick ? <span className="sr-only">{done ? " (done)" : " (open)"}</span> : null}
      </label>
      {canRemove ? (
        <remove.Form method="post" action={`/bookings/${bookingId}/notes`}>
          <input type="hidden" name="intent" value="removeActionItem" />
          <input type="hidden" name="itemId" value={item.id} />
          <Button
            type="submit"
            variant="ghost"
            busy={remove.state !== "idle"}
            aria-label={`Remove action item: ${item.text}`}
          >
            Remove
          </Button>
        </remove.Form>
      ) : null}
      {failed ? (
        <span role="alert" className="w-full text-sm text-red-700">
          {failed}
        </span>
      ) : null}
    </li>
  );
}

/** The booking page's sessions sections: preparation, notes, action items and resources, by role. */
export function SessionNotesSections({
  bookingId,
  data,
  limits,
  timeZone,
  notice,
}: {
  bookingId: string;
  data: SessionNotesView;
  limits: FileLimits;
  timeZone: string;
  notice?: string | null;
}) {
  const preparation = data.files.filter((f) => f.kind === "PREPARATION");
  const resources = data.files.filter((f) => f.kind === "RESOURCE");
  const isCoach = data.viewer === "coach";
  const opensAt = formatDateTime(data.notesOpenAt, timeZone);
  return (
    <>
      <Card
        title="Preparation"
        className="lg:col-span-3"
        description="Documents either of you shares before the session."
      >
        {notice ? (
          <div className="mb-3">
            <Alert>{notice}</Alert>
          </div>
        ) : null}
        {preparation.length === 0 ? (
          <EmptyState title="No preparation documents yet" />
        ) : (
          <FileList bookingId={bookingId} files={preparation} label="Preparation documents" />
        )}
        {data.can.addPreparation ? (
          <Upload bookingId={bookingId} kind="PREPARATION" limits={limits} label="Attach a preparation document" />
        ) : (
          <p className="mt-3 text-xs text-slate-500">Preparation documents can be added until the session ends.</p>
        )}
      </Card>
      <Card title="Notes" className="lg:col-span-2">
        {isCoach ? (
          data.can.editNotes ? (
            <div className="space-y-6">
              <NoteEditor
                bookingId={bookingId}
                visibility="PRIVATE"
                label="Private note"
                hint="Only you see this note; your client never does."
                note={data.privateNote}
                timeZone={timeZone}
              />
              <NoteEditor
                bookingId={bookingId}
                visibility="SHARED"
                label="Shared progress note"
                hint="Your client sees this note on the booking and in their session history."
                note={data.sharedNote}
                timeZone={timeZone}
              />
            </div>
          ) : (
            <p className="text-sm text-slate-700">Notes open 15 minutes before the session starts, at {opensAt}.</p>
          )
        ) : data.sharedNote?.body ? (
          <div>
            <h3 className="text-sm font-medium text-slate-700">Progress note from your coach</h3>
            <p className="mt-1 whitespace-pre-line text-sm text-slate-800">{data.sharedNote.body}</p>
          </div>
        ) : (
          <EmptyState title="No notes yet">
            Your coach can share a progress note during or after the session.
          </EmptyState>
        )}
      </Card>
      <Card title="Action items">
        {isCoach && !data.can.editNotes && data.actionItems.length === 0 ? (
          <p className="text-sm text-slate-700">Action items can be added from {opensAt}.</p>
        ) : (
          <ActionItems
            bookingId={bookingId}
            items={data.actionItems}
            viewer={data.viewer}
            canEdit={data.can.editNotes}
            canTick={data.can.tickActionItems}
          />
        )}
      </Card>
      <Card
        title="Resources"
        className="lg:col-span-3"
        description={
          isCoach
            ? "Material you share with your client during or after the session."
            : "Material your coach shared with you."
        }
      >
        {resources.length === 0 ? (
          <EmptyState title="No resources yet" />
        ) : (
          <FileList bookingId={bookingId} files={resources} label="Resources" />
        )}
        {data.can.addResource ? (
          <Upload bookingId={bookingId} kind="RESOURCE" limits={limits} label="Share a resource" />
        ) : isCoach ? (
          <p className="mt-3 text-xs text-slate-500">Resources can be shared from {opensAt}.</p>
        ) : null}
      </Card>
    </>
  );
}
