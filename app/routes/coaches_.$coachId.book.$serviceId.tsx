import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { PayWith } from "~/components/packages";
import { BOOKING_STEPS, Steps } from "~/components/steps";
import { Alert, Card, EmptyState, Field, PageHeader, SelectField, TextareaField } from "~/components/ui";
import { sessionTypeLabels } from "~/lib/coaching";
import { useLiveAvailability } from "~/lib/live";
import { formatMinor } from "~/lib/money";
import { sessionFileLimits } from "~/lib/session-files.server";
import { errorResponse, formError, requireViewer } from "~/lib/viewer.server";
import { formatSlotForViewer, groupSlotsByLocalDate } from "~/lib/time.server";
import { offeredSessionTypes } from "~/lib/coaching.server";

export const meta: MetaFunction = () => [{ title: "Book a session · Tandem" }];

const WEEK = 7 * 86_400_000;
/** Preparation documents attached in the details step (each checked again by the server). */
const MAX_PREPARATION_FILES = 3;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  const week = Math.max(0, Math.min(52, Number(new URL(request.url).searchParams.get("week") ?? 0) || 0));
  try {
    const { coach } = await api.directory.profile({ coachId: params.coachId ?? "" });
    const service = coach.services.find((s) => s.id === params.serviceId);
    if (!service) throw new Response("This service is not offered.", { status: 404 });
    const from = new Date(Date.now() + week * WEEK);
    const slots = await api.bookings.slots({
      serviceId: service.id,
      from: from.toISOString(),
      to: new Date(from.getTime() + WEEK).toISOString(),
    });
    const tz = viewer.user.timeZone;
    // Packages the client holds for this service with credits left; booking with one needs no payment.
    const [owned, { policy: creditPolicy }] = await Promise.all([
      api.packages.myPurchases({ serviceId: service.id }),
      api.packages.creditPolicy(),
    ]);
    const credits = owned.filter((p) => p.status === "PAID" && p.creditsRemaining > 0);
    const days = groupSlotsByLocalDate(
      slots.map((s) => ({ start: new Date(s.start), end: new Date(s.end) })),
      tz,
    ).map((g) => ({
      date: g.date,
      label: formatSlotForViewer(g.slots[0]!, tz).date,
      slots: g.slots.map((s) => ({ start: s.start.toISOString(), ...formatSlotForViewer(s, tz) })),
    }));
    return json({
      coach: { id: coach.id, displayName: coach.displayName },
      service,
      sessionTypes: offeredSessionTypes(service, coach.sessionTypes),
      days,
      week,
      timeZone: tz,
      credits,
      creditPolicy,
      fileLimits: { ...sessionFileLimits, maxFiles: MAX_PREPARATION_FILES },
    });
  } catch (error) {
    if (error instanceof Response) throw error;
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const tooLarge = `Attach at most ${MAX_PREPARATION_FILES} files of up to ${sessionFileLimits.maxLabel} each.`;
  // Computed here, not at module level: the .server limits do not exist in the browser bundle.
  const maxBodyBytes = MAX_PREPARATION_FILES * sessionFileLimits.maxBytes + 512 * 1024;
  if (Number(request.headers.get("content-length") ?? 0) > maxBodyBytes) {
    return json(
      { ok: false as const, message: tooLarge, fieldErrors: { files: [tooLarge] } as Record<string, string[]> },
      { status: 413 },
    );
  }
  const form = await request.formData();
  const f: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === "string") f[k] = v;
  const files = form.getAll("files").filter((v): v is File => v instanceof Blob && v.size > 0) as File[];
  if (files.length > MAX_PREPARATION_FILES || files.some((file) => file.size > sessionFileLimits.maxBytes)) {
    return json(
      { ok: false as const, message: tooLarge, fieldErrors: { files: [tooLarge] } as Record<string, string[]> },
      { status: 400 },
    );
  }
  if (!f.startsAt)
    return json(
      {
        ok: false as const,
        message: "Choose a date and time.",
        fieldErrors: { startsAt: ["Choose a date and time."] } as Record<string, string[]>,
      },
      { status: 400 },
    );
  try {
    const booking = await api.bookings.hold({
      serviceId: f.serviceId ?? "",
      startsAt: f.startsAt,
      sessionType: (f.sessionType || undefined) as "VIDEO" | "PHONE" | "CHAT" | "IN_PERSON" | undefined,
      topic: f.topic ?? "",
      clientNotes: f.clientNotes ?? "",
      packagePurchaseId: f.packagePurchaseId || undefined,
    });
    // The booking exists now: attach the preparation documents to it. A refused file does not undo
    // the booking; the booking page says which file was refused and why, so it can be attached again.
    const refused: string[] = [];
    for (const file of files) {
      try {
        await api.sessionNotes.uploadFile({ bookingId: booking.id, kind: "PREPARATION", file });
      } catch (error) {
        const { body } = formError(error);
        refused.push(`${file.name || "A file"} was not attached: ${body.ok ? "" : body.message}`);
      }
    }
    const notice = refused.length
      ? `?attachError=${encodeURIComponent(`${refused.join(" ")} You can attach it again below.`)}`
      : "";
    return redirect(`/bookings/${booking.id}${notice}`);
  } catch (error) {
    const { status, body } = formError(error);
    return json(body.ok ? { ok: false as const, message: "", fieldErrors: {} } : body, { status });
  }
}

export default function Book() {
  const { coach, service, sessionTypes, days, week, timeZone, fileLimits, credits, creditPolicy } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  useLiveAvailability(coach.id);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const weekLink = (w: number) => {
    const next = new URLSearchParams(params);
    next.set("week", String(w));
    return `?${next.toString()}`;
  };
  const types = sessionTypes;
  return (
    <div>
      <PageHeader
        title={`Book ${service.name}`}
        description={
          <>
            with{" "}
            <Link className="text-brand-700 underline" to={`/coaches/${coach.id}`}>
              {coach.displayName}
            </Link>{" "}
            · {service.durationMinutes} minutes · {formatMinor(service.priceMinor, service.currency)}
          </>
        }
      />
      <Steps steps={BOOKING_STEPS} current={0} />
      <Form method="post" encType="multipart/form-data" className="grid gap-6 lg:grid-cols-3" noValidate>
        <input type="hidden" name="serviceId" value={service.id} />
        <Card
          title="1. Date and time"
          description={`Times in your time zone, ${timeZone}. Free times update live.`}
          className="lg:col-span-2"
        >
          {result && !result.ok && (errors.startsAt || !Object.keys(errors).length) ? (
            <Alert>{errors.startsAt?.join(" ") ?? result.message}</Alert>
          ) : null}
          {days.length === 0 ? (
            <EmptyState title="No free times this week">Try the next week, or another coach.</EmptyState>
          ) : (
            <div className="space-y-4">
              {days.map((d) => (
                <fieldset key={d.date}>
                  <legend className="mb-2 text-sm font-semibold text-slate-800">{d.label}</legend>
                  <div className="flex flex-wrap gap-2">
                    {d.slots.map((s) => (
                      <label
                        key={s.start}
                        className="cursor-pointer rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 has-[:checked]:bg-brand-600 has-[:checked]:text-white has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500"
                      >
                        <input type="radio" name="startsAt" value={s.start} className="sr-only" required />
                        {s.time} <span className="text-xs opacity-75">{s.zoneLabel}</span>
                      </label>
                    ))}
                  </div>
                </fieldset>
              ))}
            </div>
          )}
          <nav aria-label="Weeks" className="mt-4 flex justify-between text-sm">
            {week > 0 ? (
              <Link className="font-medium text-brand-700 underline" to={weekLink(week - 1)}>
                ← Earlier
              </Link>
            ) : (
              <span />
            )}
            <Link className="font-medium text-brand-700 underline" to={weekLink(week + 1)}>
              Later →
            </Link>
          </nav>
        </Card>
        <Card title="2. Session details">
          <div className="space-y-3">
            <SelectField
              label="How you meet"
              name="sessionType"
              defaultValue={service.sessionType}
              errors={errors.sessionType}
            >
              {types.map((t) => (
                <option key={t} value={t}>
                  {sessionTypeLabels[t]}
                </option>
              ))}
            </SelectField>
            <Field label="Topic" name="topic" placeholder="What would you like to work on?" errors={errors.topic} />
            <TextareaField label="Notes for your coach" name="clientNotes" rows={4} />
            <label className="block text-sm font-medium text-slate-700">
              Files to prepare (optional)
              <input
                name="files"
                type="file"
                multiple
                accept={fileLimits.accept}
                aria-describedby="preparation-files-hint"
                className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium"
              />
              <span id="preparation-files-hint" className="mt-1 block text-xs font-normal text-slate-500">
                Up to {fileLimits.maxFiles} files for your coach: {fileLimits.typesLabel}; up to {fileLimits.maxLabel}{" "}
                each.
              </span>
              {errors.files ? (
                <span role="alert" className="block text-sm text-red-700">
                  {errors.files.join(" ")}
                </span>
              ) : null}
            </label>
            <PayWith
              credits={credits}
              price={formatMinor(service.priceMinor, service.currency)}
              policy={creditPolicy}
              busy={busy}
              disabled={days.length === 0}
              errors={errors.packagePurchaseId}
            />
          </div>
        </Card>
      </Form>
    </div>
  );
}
