import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, CheckboxField, EmptyState, PageHeader, TextareaField } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Review your sessions · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    return json({ bookings: await api.reviews.reviewable(), timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    await api.reviews.create({
      bookingId: f.bookingId ?? "",
      rating: Number(f.rating),
      text: f.text ?? "",
      anonymous: f.anonymous === "on",
    });
    return json({
      ok: true as const,
      bookingId: f.bookingId,
      message: "Thank you for your review.",
      fieldErrors: {} as Record<string, string[]>,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json({ ...body, bookingId: f.bookingId }, { status });
  }
}

export default function Reviews() {
  const { bookings, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div>
      <PageHeader
        title="Review your sessions"
        description="Reviews help other clients find the right coach. Each completed session can be reviewed once."
      />
      {result?.ok ? (
        <div className="mb-4">
          <Alert tone="success">{result.message}</Alert>
        </div>
      ) : null}
      {bookings.length === 0 ? (
        <EmptyState title="Nothing to review right now">Sessions you have completed appear here.</EmptyState>
      ) : null}
      <div className="space-y-4">
        {bookings.map((b) => {
          const errors = result && !result.ok && result.bookingId === b.id ? result.fieldErrors : {};
          return (
            <Card
              key={b.id}
              title={`${b.service?.name ?? "Session"} with ${b.coachProfile.displayName}`}
              description={formatDateTime(b.startsAt, timeZone)}
            >
              <Form method="post" className="space-y-3" noValidate>
                <input type="hidden" name="bookingId" value={b.id} />
                {result && !result.ok && result.bookingId === b.id && !Object.keys(errors).length ? (
                  <Alert>{result.message}</Alert>
                ) : null}
                <fieldset>
                  <legend className="text-sm font-medium text-slate-700">Rating</legend>
                  <div className="mt-1 flex gap-3">
                    {[1, 2, 3, 4, 5].map((n) => (
                      <label key={n} className="flex items-center gap-1 text-sm">
                        <input type="radio" name="rating" value={n} required defaultChecked={n === 5} /> {n}
                        <span aria-hidden>★</span>
                        <span className="sr-only">{n === 1 ? "star" : "stars"}</span>
                      </label>
                    ))}
                  </div>
                  {errors.rating ? <p className="text-sm text-red-700">{errors.rating.join(" ")}</p> : null}
                </fieldset>
                <TextareaField label="Your review" name="text" rows={3} required errors={errors.text} />
                <CheckboxField label="Post without my name" name="anonymous" />
                <Button type="submit" busy={busy}>
                  Publish review
                </Button>
              </Form>
            </Card>
          );
        })}
      </div>
    </div>
  );
}
