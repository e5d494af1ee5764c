import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useRouteError,
} from "@remix-run/react";
import { Avatar, Rating } from "~/components/coach-card";
import { PackagesCard } from "~/components/packages";
import { Alert, Badge, Button, Card, EmptyState } from "~/components/ui";
import { languageName, sessionTypeLabels } from "~/lib/coaching";
import { formatDateTime } from "~/lib/format";
import { formatMinor } from "~/lib/money";
import { type ActionResult, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.coach.displayName} · Tandem` : "Coach not found · Tandem" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const profile = await api.directory.profile({ coachId: params.coachId ?? "" });
    const [packages, myPackages] = await Promise.all([
      api.packages.forCoach({ coachId: profile.coach.id }),
      api.packages.myPurchases({ coachId: profile.coach.id }),
    ]);
    // Saving oneself makes no sense: a coach looking at their own listing gets no Save button.
    return json({
      ...profile,
      packages,
      myPackages,
      own: profile.coach.userId === viewer.user.id,
      timeZone: viewer.user.timeZone,
    });
  } catch (error) {
    const { status } = formError(error);
    throw new Response(
      status === 404 || status === 400
        ? "This coach is not listed in the directory (any more)."
        : "You cannot see this coach.",
      { status: status === 400 ? 404 : status },
    );
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const { intent, packageId } = await formFields(request);
  const coachId = params.coachId ?? "";
  try {
    if (intent === "buy") {
      const { url } = await api.packages.startCheckout({ packageId: packageId ?? "" });
      return redirect(url);
    }
    if (intent === "save") await api.favourites.add({ coachId });
    else await api.favourites.remove({ coachId });
    return json<ActionResult>({ ok: true });
  } catch (error) {
    const { status, body } = formError(error);
    return json<ActionResult>(body, { status });
  }
}

export default function CoachProfile() {
  const { coach, reviews, saved, own, timeZone, packages, myPackages } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
        <section className="flex flex-wrap items-start gap-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
          <Avatar name={coach.displayName} photoKey={coach.photoKey} size={96} />
          {/* Beside the photo while there is room for it (12rem); the Save button gets its own row on phones. */}
          <div className="min-w-0 flex-1 basis-48">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="text-2xl font-semibold">{coach.displayName}</h1>
              {coach.certified ? <Badge tone="brand">Certified coach</Badge> : null}
              {coach.verified ? <Badge tone="green">Verified credentials</Badge> : null}
            </div>
            <Rating avg={coach.ratingAvg} count={coach.ratingCount} />
            <p className="mt-1 text-sm text-slate-600">
              {[
                coach.yearsExperience !== null ? `${coach.yearsExperience} years of experience` : null,
                coach.location,
                coach.languages.map(languageName).join(", "),
                `time zone ${coach.timeZone}`,
              ]
                .filter(Boolean)
                .join(" · ")}
            </p>
            {coach.specialties.length ? (
              <div className="mt-2 flex flex-wrap items-center gap-1 text-xs text-slate-500">
                <span id="specialties">Specialties:</span>
                <ul className="flex flex-wrap gap-1" aria-labelledby="specialties">
                  {coach.specialties.map((s) => (
                    <li key={s}>
                      <Badge>{s}</Badge>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {coach.topics.length ? (
              <div className="mt-1 flex flex-wrap items-center gap-1 text-xs text-slate-500">
                <span id="topics">Works on:</span>
                <ul className="flex flex-wrap gap-1" aria-labelledby="topics">
                  {coach.topics.map((t) => (
                    <li key={t}>
                      <Badge tone="amber">{t}</Badge>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
          {own ? null : (
            <Form method="post" className="w-full sm:w-auto">
              <input type="hidden" name="intent" value={saved ? "unsave" : "save"} />
              <Button type="submit" variant={saved ? "secondary" : "primary"} busy={busy} aria-pressed={saved}>
                {saved ? "★ Saved" : "☆ Save coach"}
              </Button>
            </Form>
          )}
          {result && !result.ok ? (
            <div className="w-full">
              <Alert>{result.message}</Alert>
            </div>
          ) : null}
        </section>
        {coach.bio ? (
          <Card title="About">
            <p className="whitespace-pre-line text-sm text-slate-700">{coach.bio}</p>
          </Card>
        ) : null}
        {coach.approach || coach.education ? (
          <Card title="Approach and education">
            {coach.approach ? <p className="whitespace-pre-line text-sm text-slate-700">{coach.approach}</p> : null}
            {coach.education ? (
              <p className="mt-2 whitespace-pre-line text-sm text-slate-600">{coach.education}</p>
            ) : null}
          </Card>
        ) : null}
        <Card title={`Reviews (${reviews.length})`}>
          {reviews.length === 0 ? (
            <EmptyState title="No reviews yet">Reviews come from clients after a completed session.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {reviews.map((r) => (
                <li key={r.id} className="py-3 text-sm">
                  <p>
                    <span role="img" aria-label={`${r.rating} out of 5 stars`} className="text-amber-500">
                      {"★".repeat(r.rating)}
                      <span className="text-slate-300">{"★".repeat(5 - r.rating)}</span>
                    </span>{" "}
                    <span className="font-medium">{r.authorName}</span>{" "}
                    <span className="text-slate-500">· {formatDateTime(r.createdAt, timeZone)}</span>
                  </p>
                  <p className="mt-1 text-slate-700">{r.text}</p>
                  {r.response ? (
                    <p className="mt-2 rounded-md bg-slate-50 p-2 text-slate-700">
                      <span className="font-medium">Response from {coach.displayName}:</span> {r.response}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <div className="space-y-6">
        <Card title="Services">
          {coach.services.length === 0 ? (
            <EmptyState title="No services offered yet" />
          ) : (
            <ul className="space-y-3">
              {coach.services.map((s) => (
                <li key={s.id} className="rounded-lg p-3 ring-1 ring-slate-200">
                  <p className="flex items-center justify-between gap-2 font-medium">
                    {s.name} <span>{formatMinor(s.priceMinor, s.currency)}</span>
                  </p>
                  <p className="text-sm text-slate-600">
                    {s.durationMinutes} min · {sessionTypeLabels[s.sessionType]}{" "}
                    {s.premiumOnly ? <Badge tone="amber">Premium</Badge> : null}
                  </p>
                  {s.description ? <p className="mt-1 text-sm text-slate-600">{s.description}</p> : null}
                  <Link
                    to={`/coaches/${coach.id}/book/${s.id}`}
                    className="mt-2 inline-block rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
                    aria-label={`Book ${s.name}`}
                  >
                    Book
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <PackagesCard offers={packages} owned={myPackages} own={own} />
        {coach.credentials.length ? (
          <Card title="Verified credentials">
            <ul className="space-y-1 text-sm">
              {coach.credentials.map((c) => (
                <li key={c.id}>
                  {c.type} <span className="text-slate-500">· {c.issuer}</span>
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
        <Link to="/coaches" className="inline-block text-sm font-medium text-brand-700 underline">
          ← Back to the directory
        </Link>
      </div>
    </div>
  );
}

/** A coach who is not listed (never was, suspended, or a malformed address): a clear page with a way back. */
export function ErrorBoundary() {
  const error = useRouteError();
  if (!isRouteErrorResponse(error)) throw error; // the root boundary shows unexpected errors
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-brand-600">{error.status}</p>
      <h1 className="mt-2 text-2xl font-semibold">
        {error.status === 404 ? "Coach not found" : "You cannot see this coach"}
      </h1>
      <p className="mt-2 text-slate-600">
        {typeof error.data === "string" && error.data ? error.data : "We could not find that coach."}
      </p>
      <Link to="/coaches" className="mt-6 inline-block text-sm font-medium text-brand-700 underline">
        Find another coach
      </Link>
    </div>
  );
}
