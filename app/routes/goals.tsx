import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, EmptyState, Field, PageHeader, TextareaField } from "~/components/ui";
import { GoalCard } from "~/components/workspace/goal-card";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Goals · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request);
  try {
    const [goals, mine] = await Promise.all([api.goals.mine(), api.relationships.mine()]);
    const coaches = mine.relationships.filter((r) => r.status !== "ENDED").map((r) => r.coach);
    return json({ goals, coaches });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    switch (f.intent) {
      case "create":
        await api.goals.create({
          title: f.title ?? "",
          description: f.description ?? "",
          targetDate: f.targetDate || null,
          coachProfileId: f.coachProfileId || null,
          milestones: (f.milestones ?? "")
            .split("\n")
            .map((t) => t.trim())
            .filter(Boolean)
            .map((title) => ({ title, targetDate: null })),
        });
        return json({ ok: true as const, message: "Goal added.", fieldErrors: {} as Record<string, string[]> });
      case "milestone":
        await api.goals.setMilestoneDone({ milestoneId: f.milestoneId ?? "", done: f.done === "true" });
        break;
      case "addMilestone":
        await api.goals.addMilestone({
          goalId: f.goalId ?? "",
          title: f.title ?? "",
          targetDate: f.targetDate || null,
        });
        break;
      case "claim":
        await api.goals.claim({ goalId: f.goalId ?? "" });
        return json({
          ok: true as const,
          message: "Well done! Your coach has been asked to confirm.",
          fieldErrors: {} as Record<string, string[]>,
        });
      case "status":
        await api.goals.setStatus({
          goalId: f.goalId ?? "",
          status: f.status === "ABANDONED" ? "ABANDONED" : "ACTIVE",
        });
        break;
      default:
        return json(
          { ok: false as const, message: "Unknown action.", fieldErrors: {} as Record<string, string[]> },
          { status: 400 },
        );
    }
    return json({ ok: true as const, message: "", fieldErrors: {} as Record<string, string[]> });
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

export default function Goals() {
  const { goals, coaches } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string[]> = result && !result.ok ? result.fieldErrors : {};
  const open = goals.filter((g) => g.status === "ACTIVE" || g.status === "CLAIMED");
  const closed = goals.filter((g) => g.status === "REACHED" || g.status === "ABANDONED");
  return (
    <div>
      <PageHeader
        title="Goals"
        description={
          <>
            Set goals alone or with your coach, break them into milestones, and mark a goal reached when you get there:
            your coach confirms it. Coaches see your goals only if you share them on{" "}
            <Link to="/privacy" className="text-brand-700 underline">
              Privacy
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
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Card title="Working on">
            {open.length === 0 ? (
              <EmptyState title="No goals yet">Add your first goal with the form.</EmptyState>
            ) : null}
            <div className="space-y-4">
              {open.map((g) => (
                <GoalCard
                  key={g.id}
                  goal={g}
                  milestoneAction={(m) =>
                    g.status === "ACTIVE" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="milestone" />
                        <input type="hidden" name="milestoneId" value={m.id} />
                        <input type="hidden" name="done" value={m.doneAt ? "false" : "true"} />
                        <Button variant="ghost" className="px-2 py-1 text-xs">
                          {m.doneAt ? "Not done" : "Done"}
                          <span className="sr-only">: {m.title}</span>
                        </Button>
                      </Form>
                    ) : null
                  }
                  actions={
                    <>
                      {g.status === "ACTIVE" ? (
                        <>
                          <Form method="post" className="flex flex-wrap items-end gap-2">
                            <input type="hidden" name="intent" value="addMilestone" />
                            <input type="hidden" name="goalId" value={g.id} />
                            <label className="sr-only" htmlFor={`m-${g.id}`}>
                              New milestone for {g.title}
                            </label>
                            <input
                              id={`m-${g.id}`}
                              name="title"
                              placeholder="New milestone"
                              className="rounded-md border-0 px-2 py-1 text-sm ring-1 ring-inset ring-slate-300"
                            />
                            <Button variant="secondary" className="px-2 py-1 text-xs">
                              Add
                            </Button>
                          </Form>
                          <Form method="post">
                            <input type="hidden" name="intent" value="claim" />
                            <input type="hidden" name="goalId" value={g.id} />
                            <Button className="px-2 py-1 text-xs">I reached it</Button>
                          </Form>
                        </>
                      ) : null}
                      <Form method="post">
                        <input type="hidden" name="intent" value="status" />
                        <input type="hidden" name="goalId" value={g.id} />
                        <input type="hidden" name="status" value={g.status === "CLAIMED" ? "ACTIVE" : "ABANDONED"} />
                        <Button variant="ghost" className="px-2 py-1 text-xs">
                          {g.status === "CLAIMED" ? "Not yet after all" : "Give up"}
                        </Button>
                      </Form>
                    </>
                  }
                />
              ))}
            </div>
          </Card>
          {closed.length ? (
            <Card title="Reached and closed">
              <div className="space-y-4">
                {closed.map((g) => (
                  <GoalCard key={g.id} goal={g} />
                ))}
              </div>
            </Card>
          ) : null}
        </div>
        <Card title="New goal">
          <Form method="post" className="space-y-3" noValidate>
            <input type="hidden" name="intent" value="create" />
            <Field label="Goal" name="title" required errors={errors.title} />
            <TextareaField
              label="Why it matters (optional, Markdown)"
              name="description"
              rows={3}
              errors={errors.description}
            />
            <Field label="Target date (optional)" name="targetDate" type="date" errors={errors.targetDate} />
            {coaches.length ? (
              <div className="space-y-1">
                <label htmlFor="coachProfileId" className="block text-sm font-medium text-slate-700">
                  Set with
                </label>
                <select
                  id="coachProfileId"
                  name="coachProfileId"
                  className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300"
                >
                  <option value="">Just me</option>
                  {coaches.map((c) => (
                    <option key={c.profileId} value={c.profileId}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <TextareaField
              label="Milestones (optional, one per line)"
              name="milestones"
              rows={3}
              errors={Object.entries(errors)
                .filter(([k]) => k.startsWith("milestones"))
                .flatMap(([, v]) => v)}
            />
            <Button busy={busy}>Add goal</Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
