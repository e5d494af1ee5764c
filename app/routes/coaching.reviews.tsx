import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Badge, Button, Card, controlClass, EmptyState, PageHeader } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Your reviews · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    return json({ reviews: await api.reviews.mine(), timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    await api.reviews.respond({ reviewId: f.reviewId ?? "", response: f.response ?? "" });
    return json({ ok: true as const, reviewId: f.reviewId, message: "Response published." });
  } catch (error) {
    const { status, body } = formError(error);
    return json(
      {
        ok: false as const,
        reviewId: f.reviewId,
        message: body.ok ? "" : [...Object.values(body.fieldErrors).flat(), body.message][0],
      },
      { status },
    );
  }
}

export default function MyReviews() {
  const { reviews, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div>
      <PageHeader title="Your reviews" description="You can respond to each review once; your response is public." />
      {reviews.length === 0 ? (
        <EmptyState title="No reviews yet">Clients can review you after a completed session.</EmptyState>
      ) : null}
      <div className="space-y-4">
        {reviews.map((r) => (
          <Card
            key={r.id}
            title={`${r.rating}★ from ${r.authorName}`}
            description={formatDateTime(r.createdAt, timeZone)}
            actions={r.hiddenAt ? <Badge>Hidden by an admin</Badge> : null}
          >
            <p className="text-sm text-slate-700">{r.text}</p>
            {result && result.reviewId === r.id ? (
              <div className="mt-2">
                <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert>
              </div>
            ) : null}
            {r.response ? (
              <p className="mt-3 rounded-md bg-slate-50 p-2 text-sm">
                <span className="font-medium">Your response:</span> {r.response}
              </p>
            ) : (
              <Form method="post" className="mt-3 flex flex-wrap items-end gap-2">
                <input type="hidden" name="reviewId" value={r.id} />
                <label className="min-w-64 flex-1 text-sm font-medium text-slate-700">
                  Respond
                  <input name="response" className={controlClass(false, "mt-1")} />
                </label>
                <Button type="submit" busy={busy}>
                  Publish response
                </Button>
              </Form>
            )}
          </Card>
        ))}
      </div>
    </div>
  );
}
