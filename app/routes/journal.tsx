import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Markdown } from "~/components/markdown";
import { Alert, Button, Card, EmptyState, PageHeader, TextareaField } from "~/components/ui";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Journal · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request);
  try {
    const [today, mine] = await Promise.all([api.journal.today(), api.journal.mine({ limit: 60 })]);
    return json({ today, entries: mine.entries.filter((e) => e.date !== today.date) });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    const saved = await api.journal.save({ date: f.date ?? "", body: f.body ?? "" });
    return json({
      ok: true as const,
      message: saved.saved ? "Saved." : "Today's entry is empty, so it was removed.",
      fieldErrors: {} as Record<string, string[]>,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

const longDate = (day: string) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

export default function Journal() {
  const { today, entries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <div>
      <PageHeader
        title="Journal"
        description={
          <>
            One entry a day, in your time zone ({today.timeZone}). Private: a coach sees it only if you share it on{" "}
            <Link to="/privacy" className="text-brand-700 underline">
              Privacy
            </Link>
            . You have written on {today.days} {today.days === 1 ? "day" : "days"}.
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={`Today, ${longDate(today.date)}`} description="Markdown works: **bold**, *italic*, lists, links.">
          <Form method="post" className="space-y-3" noValidate>
            {result ? <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert> : null}
            <input type="hidden" name="date" value={today.date} />
            <TextareaField
              key={today.updatedAt ?? "new"}
              label="What is on your mind today?"
              name="body"
              rows={10}
              defaultValue={today.body}
              errors={errors.body ?? errors.date}
              hint="You can edit today's entry until midnight. Leave it empty to remove it."
            />
            <Button busy={busy}>Save today's entry</Button>
          </Form>
          {today.body ? (
            <div className="mt-4 border-t border-slate-100 pt-4">
              <h3 className="mb-2 text-sm font-medium text-slate-700">Preview</h3>
              <Markdown>{today.body}</Markdown>
            </div>
          ) : null}
        </Card>
        <Card title="Earlier days">
          {entries.length === 0 ? (
            <EmptyState title="No earlier entries yet">Come back tomorrow: each day gets its own page.</EmptyState>
          ) : (
            <ol className="space-y-5" aria-label="Earlier journal entries">
              {entries.map((e) => (
                <li key={e.id}>
                  <h3 className="text-sm font-semibold text-slate-800">{longDate(e.date)}</h3>
                  <Markdown>{e.body}</Markdown>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </div>
  );
}
