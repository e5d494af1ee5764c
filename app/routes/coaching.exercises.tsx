import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Markdown } from "~/components/markdown";
import { AssignTaskForm } from "~/components/tasks/AssignTaskForm";
import { Alert, Badge, Button, Card, EmptyState, Field, PageHeader, controlClass } from "~/components/ui";
import { errorResponse, formError, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Exercise library · Tandem" }];

type LogField = { key: string; label: string; type: "scale" | "boolean" | "text"; min?: number; max?: number };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const scopeParam = url.searchParams.get("scope");
  const scope = scopeParam === "mine" || scopeParam === "shared" ? scopeParam : "all";
  try {
    const exercises = await api.exercises.library({ q: q || undefined, scope });
    return json({ exercises, q, scope, certified: viewer.role === "CERTIFIED_COACH" });
  } catch (error) {
    throw errorResponse(error);
  }
}

type Result = { ok: boolean; message: string; fieldErrors: Record<string, string[]>; intent?: string };

const numberOrNull = (v: FormDataEntryValue | null) => {
  const s = typeof v === "string" ? v.trim() : "";
  return s === "" ? null : Number(s);
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const exerciseId = String(form.get("exerciseId") ?? "");
  try {
    if (intent === "upload") {
      const file = form.get("file");
      if (!(file instanceof Blob) || file.size === 0)
        return json<Result>(
          { ok: false, message: "Choose a file.", fieldErrors: { file: ["Choose a file."] }, intent },
          { status: 400 },
        );
      await api.exercises.uploadFile({ exerciseId, file });
      return json<Result>({ ok: true, message: "File added.", fieldErrors: {}, intent });
    }
    if (intent === "deleteFile") {
      await api.exercises.deleteFile({ fileId: String(form.get("fileId") ?? "") });
      return json<Result>({ ok: true, message: "File removed.", fieldErrors: {}, intent });
    }
    if (intent === "publish" || intent === "unpublish") {
      await api.exercises.setPublished({ exerciseId, published: intent === "publish" });
      return json<Result>({
        ok: true,
        message: intent === "publish" ? "Published to the shared library." : "Taken out of the shared library.",
        fieldErrors: {},
        intent,
      });
    }
    if (intent === "copy") {
      const copy = await api.exercises.copy({ exerciseId });
      return json<Result>({
        ok: true,
        message: `Copied: “${copy.title}” is now in your exercises.`,
        fieldErrors: {},
        intent,
      });
    }
    if (intent === "archive") {
      await api.exercises.archive({ exerciseId });
      return json<Result>({ ok: true, message: "Exercise archived.", fieldErrors: {}, intent });
    }
    let logFields: LogField[] = [];
    try {
      logFields = JSON.parse(String(form.get("logFields") ?? "[]")) as LogField[];
    } catch {
      return json<Result>(
        {
          ok: false,
          message: "The log fields could not be read.",
          fieldErrors: { logFields: ["Check the log fields."] },
          intent,
        },
        { status: 400 },
      );
    }
    const input = {
      title: String(form.get("title") ?? ""),
      instructions: String(form.get("instructions") ?? ""),
      category: String(form.get("category") ?? ""),
      topics: String(form.get("topics") ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
      estimatedMinutes: numberOrNull(form.get("estimatedMinutes")),
      challengeDays: numberOrNull(form.get("challengeDays")),
      logFields,
    };
    if (exerciseId) await api.exercises.update({ exerciseId, ...input });
    else await api.exercises.create(input);
    return json<Result>({
      ok: true,
      message: exerciseId ? "Exercise saved." : "Exercise created: it is private to you.",
      fieldErrors: {},
      intent: "save",
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json<Result>({ ...(body as Result), ok: false, intent, message: body.ok ? "" : body.message }, { status });
  }
}

/** The shared control style of the form primitives (`~/components/ui`). */
const inputClass = controlClass();

/** The exercise library: your exercises and the shared ones, search, write, publish (certified), copy and assign. */
export default function Exercises() {
  const { exercises, q, scope, certified } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const editing = exercises.find((e) => e.id === params.get("edit") && e.mine) ?? null;
  const [assigning, setAssigning] = useState<string | null>(null);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Exercise library"
        description="Your exercises are private to you. Certified coaches can publish theirs to the organisation's shared library, which every coach can use, copy and assign."
      />
      {result && result.intent !== "save" ? (
        <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert>
      ) : null}
      <Form method="get" className="flex flex-wrap items-end gap-3" role="search">
        <div className="min-w-48 flex-1">
          <Field label="Search by title, category or topic" name="q" defaultValue={q} />
        </div>
        <div className="space-y-1">
          <label htmlFor="scope" className="block text-sm font-medium text-slate-700">
            Show
          </label>
          <select id="scope" name="scope" defaultValue={scope} className={inputClass}>
            <option value="all">All I can use</option>
            <option value="mine">Mine</option>
            <option value="shared">Shared library</option>
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </Form>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-label="Exercises" className="space-y-4">
          {exercises.length === 0 ? (
            <EmptyState title="No exercises found">{q ? "Try another search." : "Write your first one."}</EmptyState>
          ) : (
            exercises.map((e) => (
              <Card
                key={e.id}
                title={e.title}
                description={[
                  e.category,
                  e.estimatedMinutes ? `${e.estimatedMinutes} min` : null,
                  e.challengeDays ? `${e.challengeDays}-day challenge` : null,
                  e.mine ? "yours" : `by ${e.authorName}`,
                ]
                  .filter(Boolean)
                  .join(" · ")}
                actions={e.published ? <Badge tone="green">Shared</Badge> : <Badge>Private</Badge>}
              >
                <details>
                  <summary className="cursor-pointer text-sm text-slate-700">Instructions</summary>
                  <div className="mt-2">
                    <Markdown>{e.instructions}</Markdown>
                  </div>
                  {e.logFields.length ? (
                    <p className="mt-2 text-xs text-slate-600">
                      Daily log:{" "}
                      {e.logFields
                        .map((f) => (f.type === "scale" ? `${f.label} (${f.min}–${f.max})` : f.label))
                        .join(", ")}
                    </p>
                  ) : null}
                </details>
                {e.topics.length ? (
                  <p className="mt-2 flex flex-wrap gap-1">
                    {e.topics.map((t) => (
                      <Badge key={t} tone="brand">
                        {t}
                      </Badge>
                    ))}
                  </p>
                ) : null}
                {e.files.length ? (
                  <ul className="mt-2 space-y-1 text-sm">
                    {e.files.map((f) => (
                      <li key={f.id} className="flex items-center gap-2">
                        <a className="text-brand-700 underline" href={`/exercise-files/${f.id}`}>
                          {f.name}
                        </a>
                        {e.mine ? (
                          <Form method="post">
                            <input type="hidden" name="intent" value="deleteFile" />
                            <input type="hidden" name="fileId" value={f.id} />
                            <button type="submit" className="text-xs text-red-700 underline">
                              Remove {f.name}
                            </button>
                          </Form>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <div className="mt-3 flex flex-wrap gap-2">
                  <Button
                    type="button"
                    onClick={() => setAssigning(assigning === e.id ? null : e.id)}
                    aria-expanded={assigning === e.id}
                  >
                    Assign
                  </Button>
                  {e.mine ? (
                    <>
                      <Link
                        to={`?edit=${e.id}`}
                        className="inline-flex items-center rounded-md px-3.5 py-2 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
                      >
                        Edit<span className="sr-only"> {e.title}</span>
                      </Link>
                      {certified ? (
                        <Form method="post">
                          <input type="hidden" name="exerciseId" value={e.id} />
                          <Button
                            type="submit"
                            name="intent"
                            value={e.published ? "unpublish" : "publish"}
                            variant="secondary"
                          >
                            {e.published ? "Unpublish" : "Publish to shared library"}
                          </Button>
                        </Form>
                      ) : null}
                      <Form method="post">
                        <input type="hidden" name="exerciseId" value={e.id} />
                        <Button type="submit" name="intent" value="archive" variant="danger">
                          Archive
                        </Button>
                      </Form>
                    </>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="exerciseId" value={e.id} />
                      <Button type="submit" name="intent" value="copy" variant="secondary">
                        Copy to mine
                      </Button>
                    </Form>
                  )}
                </div>
                {e.mine ? (
                  <Form method="post" encType="multipart/form-data" className="mt-3 flex flex-wrap items-end gap-2">
                    <input type="hidden" name="intent" value="upload" />
                    <input type="hidden" name="exerciseId" value={e.id} />
                    <label className="text-sm text-slate-700">
                      <span className="sr-only">File for {e.title}</span>
                      <input type="file" name="file" className="text-sm" />
                    </label>
                    <Button type="submit" variant="ghost">
                      Add file
                    </Button>
                  </Form>
                ) : null}
                {assigning === e.id ? (
                  <div className="mt-4 rounded-lg bg-slate-50 p-3">
                    <AssignTaskForm exerciseId={e.id} />
                  </div>
                ) : null}
              </Card>
            ))
          )}
        </section>
        <ExerciseForm key={editing?.id ?? "new"} editing={editing} />
      </div>
    </div>
  );
}

function ExerciseForm({
  editing,
}: {
  editing: {
    id: string;
    title: string;
    instructions: string;
    category: string;
    topics: string[];
    estimatedMinutes: number | null;
    challengeDays: number | null;
    logFields: LogField[];
  } | null;
}) {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors = result && !result.ok && result.intent !== "upload" ? result.fieldErrors : {};
  const [instructions, setInstructions] = useState(editing?.instructions ?? "");
  const [fields, setFields] = useState<LogField[]>(editing?.logFields ?? []);
  const [preview, setPreview] = useState(false);
  useEffect(() => {
    if (result?.ok && result.intent === "save" && !editing) {
      setInstructions("");
      setFields([]);
    }
  }, [result, editing]);
  const err = (k: string) => errors[k];
  const fieldErrorList = Object.entries(errors).filter(([k]) => k.startsWith("logFields"));
  return (
    <Card title={editing ? `Edit “${editing.title}”` : "New exercise"}>
      <Form method="post" className="space-y-3" aria-label={editing ? "Edit exercise" : "New exercise"}>
        {editing ? <input type="hidden" name="exerciseId" value={editing.id} /> : null}
        <Field label="Title" name="title" defaultValue={editing?.title} errors={err("title")} required />
        <div className="space-y-1">
          <div className="flex items-center justify-between">
            <label htmlFor="instructions" className="block text-sm font-medium text-slate-700">
              Instructions (Markdown)
            </label>
            <button type="button" className="text-xs text-brand-700 underline" onClick={() => setPreview((p) => !p)}>
              {preview ? "Write" : "Preview"}
            </button>
          </div>
          {preview ? (
            <div className="rounded-md p-3 ring-1 ring-slate-200">
              <Markdown>{instructions || "_Nothing yet._"}</Markdown>
            </div>
          ) : null}
          <textarea
            id="instructions"
            name="instructions"
            rows={8}
            className={preview ? "sr-only" : inputClass}
            value={instructions}
            onChange={(e) => setInstructions(e.target.value)}
            aria-invalid={Boolean(err("instructions")) || undefined}
            aria-describedby={err("instructions") ? "instructions-error" : undefined}
          />
          {err("instructions") ? (
            <p id="instructions-error" className="text-sm text-red-700">
              {err("instructions")!.join(" ")}
            </p>
          ) : null}
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Category" name="category" defaultValue={editing?.category} errors={err("category")} />
          <Field
            label="Topics (comma-separated)"
            name="topics"
            defaultValue={editing?.topics.join(", ")}
            errors={err("topics") ?? err("topics.0")}
          />
          <Field
            label="Estimated minutes"
            name="estimatedMinutes"
            type="number"
            min={1}
            max={600}
            defaultValue={editing?.estimatedMinutes ?? ""}
            errors={err("estimatedMinutes")}
          />
          <Field
            label="Challenge days (for a daily challenge)"
            name="challengeDays"
            type="number"
            min={2}
            max={90}
            defaultValue={editing?.challengeDays ?? ""}
            errors={err("challengeDays")}
          />
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Daily log fields (challenges)</legend>
          {fields.map((f, i) => (
            <div key={i} className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-2 sm:grid-cols-5">
              <label className="text-xs text-slate-700">
                Key
                <input
                  className={inputClass}
                  value={f.key}
                  onChange={(e) => setFields((all) => all.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
                />
              </label>
              <label className="text-xs text-slate-700">
                Label
                <input
                  className={inputClass}
                  value={f.label}
                  onChange={(e) =>
                    setFields((all) => all.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))
                  }
                />
              </label>
              <label className="text-xs text-slate-700">
                Type
                <select
                  className={inputClass}
                  value={f.type}
                  onChange={(e) =>
                    setFields((all) =>
                      all.map((x, j) =>
                        j === i
                          ? e.target.value === "scale"
                            ? { key: x.key, label: x.label, type: "scale", min: 1, max: 10 }
                            : { key: x.key, label: x.label, type: e.target.value as "boolean" | "text" }
                          : x,
                      ),
                    )
                  }
                >
                  <option value="scale">Scale</option>
                  <option value="boolean">Yes / no</option>
                  <option value="text">Text</option>
                </select>
              </label>
              {f.type === "scale" ? (
                <>
                  <label className="text-xs text-slate-700">
                    Lowest
                    <input
                      type="number"
                      className={inputClass}
                      value={f.min ?? ""}
                      onChange={(e) =>
                        setFields((all) => all.map((x, j) => (j === i ? { ...x, min: Number(e.target.value) } : x)))
                      }
                    />
                  </label>
                  <label className="text-xs text-slate-700">
                    Highest
                    <input
                      type="number"
                      className={inputClass}
                      value={f.max ?? ""}
                      onChange={(e) =>
                        setFields((all) => all.map((x, j) => (j === i ? { ...x, max: Number(e.target.value) } : x)))
                      }
                    />
                  </label>
                </>
              ) : null}
              <button
                type="button"
                className="text-left text-xs text-red-700 underline"
                onClick={() => setFields((all) => all.filter((_, j) => j !== i))}
              >
                Remove field {i + 1}
              </button>
            </div>
          ))}
          <Button
            type="button"
            variant="ghost"
            onClick={() => setFields((all) => [...all, { key: `field_${all.length + 1}`, label: "", type: "boolean" }])}
          >
            Add a log field
          </Button>
          {fieldErrorList.length ? (
            <ul className="text-sm text-red-700">
              {fieldErrorList.map(([k, v]) => (
                <li key={k}>
                  {k.replace("logFields.", "Field ").replace(/\.(\d+)\./, " $1 ")}: {v.join(" ")}
                </li>
              ))}
            </ul>
          ) : null}
          <input type="hidden" name="logFields" value={JSON.stringify(fields)} />
        </fieldset>
        {result && result.intent === "save" ? (
          <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert>
        ) : null}
        {result && !result.ok && result.intent === "" ? <Alert>{result.message}</Alert> : null}
        <div className="flex gap-2">
          <Button
            type="submit"
            name="intent"
            value="save"
            busy={navigation.state === "submitting" && navigation.formData?.get("intent") === "save"}
          >
            {editing ? "Save exercise" : "Create exercise"}
          </Button>
          {editing ? (
            <Link to="/coaching/exercises" className="inline-flex items-center px-3 text-sm text-slate-700 underline">
              Cancel
            </Link>
          ) : null}
        </div>
      </Form>
    </Card>
  );
}
