import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Button, Card, EmptyState, Field, PageHeader } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { wallTimeToInstant } from "~/lib/time.server";
import { errorResponse, formError, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Availability · Tandem" }];

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const [availability, payouts] = await Promise.all([
      api.bookings.myAvailability(),
      api.payments.coachPayoutStatus(),
    ]);
    return json({ ...availability, payouts, viewerTimeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

type Result = { ok: boolean; intent: string; message: string; fieldErrors: Record<string, string[]>; feedUrl?: string };

const num = (v: FormDataEntryValue | null, fallback: number) => {
  const s = typeof v === "string" ? v.trim() : "";
  return s === "" ? fallback : /^\d+$/.test(s) ? Number(s) : -1;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "hours") {
      const weekly: { weekday: number; start: string; end: string }[] = [];
      for (let d = 1; d <= 7; d++) {
        for (const slot of [1, 2]) {
          const start = String(form.get(`d${d}s${slot}`) ?? "").trim();
          const end = String(form.get(`d${d}e${slot}`) ?? "").trim();
          if (start || end) weekly.push({ weekday: d, start, end });
        }
      }
      const cap = String(form.get("dailyCap") ?? "").trim();
      await api.bookings.setAvailability({
        timeZone: String(form.get("timeZone") ?? ""),
        weekly,
        overrides: [],
        bufferBeforeMinutes: num(form.get("bufferBeforeMinutes"), 0),
        bufferAfterMinutes: num(form.get("bufferAfterMinutes"), 0),
        minNoticeMinutes: num(form.get("minNoticeHours"), 12) * 60,
        horizonDays: num(form.get("horizonDays"), 60),
        dailyCap: cap === "" ? null : num(cap, 0),
        slotStepMinutes: num(form.get("slotStepMinutes"), 15),
      });
      return json<Result>({
        ok: true,
        intent,
        message: "Availability saved. Clients see the new times at once.",
        fieldErrors: {},
      });
    }
    if (intent === "timeoff") {
      const zone = String(form.get("timeZone") ?? "UTC");
      // <input type="datetime-local"> gives wall time; it is the coach's wall time (DST-aware).
      const toInstant = (local: string) => wallTimeToInstant(local, zone);
      const start = String(form.get("startsAt") ?? "");
      const end = String(form.get("endsAt") ?? "");
      if (!start || !end)
        return json<Result>(
          { ok: false, intent, message: "Give the start and the end of your time off.", fieldErrors: {} },
          { status: 400 },
        );
      await api.bookings.addTimeOff({
        startsAt: toInstant(start),
        endsAt: toInstant(end),
        reason: String(form.get("reason") ?? ""),
      });
      return json<Result>({ ok: true, intent, message: "Time off added.", fieldErrors: {} });
    }
    if (intent === "feed" || intent === "feed-renew") {
      const { url } = await api.bookings.calendarFeed({ renew: intent === "feed-renew" });
      return json<Result>({
        ok: true,
        intent: "feed",
        message:
          intent === "feed-renew" ? "New link made; the old one no longer works." : "Your private calendar link:",
        fieldErrors: {},
        feedUrl: url,
      });
    }
    if (intent === "payouts") {
      const { url } = await api.payments.coachOnboarding({ returnPath: "/coaching/availability" });
      return redirect(url);
    }
    if (intent === "remove") {
      await api.bookings.removeTimeOff({ timeOffId: String(form.get("timeOffId") ?? "") });
      return json<Result>({ ok: true, intent: "timeoff", message: "Time off removed.", fieldErrors: {} });
    }
    return json<Result>({ ok: false, intent, message: "Unknown action.", fieldErrors: {} }, { status: 400 });
  } catch (error) {
    const { status, body } = formError(error);
    return json<Result>(
      { ok: false, intent, message: body.ok ? "" : body.message, fieldErrors: body.ok ? {} : body.fieldErrors },
      { status },
    );
  }
}

const time = "w-32 rounded-md border-0 px-2 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-slate-300";

export default function AvailabilityPage() {
  const { availability, timeOff, payouts, viewerTimeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const weekly = availability.weekly as { weekday: number; start: string; end: string }[];
  const intervalsOf = (d: number) => weekly.filter((w) => w.weekday === d);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const weeklyErrors = Object.entries(errors).filter(([k]) => k.startsWith("weekly"));
  return (
    <div>
      <PageHeader
        title="Availability"
        description={`When clients can book you, in your time zone (${availability.timeZone}). Clients see the times in their own zone.`}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Weekly hours" className="lg:col-span-2">
          <Form method="post" className="space-y-4" noValidate>
            <input type="hidden" name="intent" value="hours" />
            {result?.intent === "hours" ? <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert> : null}
            {weeklyErrors.length ? <Alert>{weeklyErrors.flatMap(([, m]) => m).join(" ")}</Alert> : null}
            <Field
              label="Time zone"
              name="timeZone"
              defaultValue={availability.timeZone}
              errors={errors.timeZone}
              hint="For example Europe/Amsterdam."
            />
            {/* Each block stays on one line ("from – until"); the second block moves under the first where the card is narrow, and the day above its hours on a phone. */}
            <p className="text-sm text-slate-500 sm:hidden">
              Hours per day; a second block is optional. Leave a day empty for a day off.
            </p>
            <table className="w-full text-sm">
              <caption className="sr-only">Working hours per weekday; leave empty for a day off</caption>
              <thead className="hidden sm:table-header-group">
                <tr className="text-left text-slate-500">
                  <th className="py-1 pr-4 font-medium">Day</th>
                  <th className="py-1 font-medium">Hours (a second block is optional)</th>
                </tr>
              </thead>
              <tbody>
                {WEEKDAYS.map((name, i) => {
                  const d = i + 1;
                  const [a, b] = intervalsOf(d);
                  return (
                    <tr key={d} className="block border-t border-slate-100 py-2 sm:table-row sm:py-0">
                      <th scope="row" className="block pb-1 text-left font-medium sm:table-cell sm:py-2 sm:pr-4">
                        {name}
                      </th>
                      <td className="block sm:table-cell sm:py-2">
                        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
                          <span className="flex flex-wrap items-center gap-1.5">
                            <input
                              aria-label={`${name} from`}
                              type="time"
                              name={`d${d}s1`}
                              defaultValue={a?.start ?? ""}
                              className={time}
                            />
                            <span aria-hidden>–</span>
                            <input
                              aria-label={`${name} until`}
                              type="time"
                              name={`d${d}e1`}
                              defaultValue={a?.end === "24:00" ? "23:59" : (a?.end ?? "")}
                              className={time}
                            />
                          </span>
                          <span className="flex flex-wrap items-center gap-1.5">
                            <span className="hidden text-slate-500 sm:inline">and</span>
                            <input
                              aria-label={`${name} second block from`}
                              type="time"
                              name={`d${d}s2`}
                              defaultValue={b?.start ?? ""}
                              className={time}
                            />
                            <span aria-hidden>–</span>
                            <input
                              aria-label={`${name} second block until`}
                              type="time"
                              name={`d${d}e2`}
                              defaultValue={b?.end ?? ""}
                              className={time}
                            />
                          </span>
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="grid gap-3 sm:grid-cols-3">
              <Field
                label="Buffer before (minutes)"
                name="bufferBeforeMinutes"
                inputMode="numeric"
                defaultValue={String(availability.bufferBeforeMinutes)}
                errors={errors.bufferBeforeMinutes}
              />
              <Field
                label="Buffer after (minutes)"
                name="bufferAfterMinutes"
                inputMode="numeric"
                defaultValue={String(availability.bufferAfterMinutes)}
                errors={errors.bufferAfterMinutes}
              />
              <Field
                label="Minimum notice (hours)"
                name="minNoticeHours"
                inputMode="numeric"
                defaultValue={String(Math.round(availability.minNoticeMinutes / 60))}
                errors={errors.minNoticeMinutes}
              />
              <Field
                label="Book up to (days ahead)"
                name="horizonDays"
                inputMode="numeric"
                defaultValue={String(availability.horizonDays)}
                errors={errors.horizonDays}
              />
              <Field
                label="Sessions per day at most"
                name="dailyCap"
                inputMode="numeric"
                defaultValue={availability.dailyCap?.toString() ?? ""}
                errors={errors.dailyCap}
                hint="Empty: no limit."
              />
              <Field
                label="Start times every (minutes)"
                name="slotStepMinutes"
                inputMode="numeric"
                defaultValue={String(availability.slotStepMinutes)}
                errors={errors.slotStepMinutes}
              />
            </div>
            <Button type="submit" busy={busy}>
              Save availability
            </Button>
          </Form>
        </Card>
        <Card
          title="Calendar feed"
          className="lg:col-span-3"
          description="Subscribe to your confirmed sessions in any calendar app. Keep the link private; replace it if it leaks."
        >
          {result?.intent === "feed" && result.feedUrl ? (
            <div className="mb-3 space-y-1 text-sm">
              <p>{result.message}</p>
              <input
                readOnly
                aria-label="Calendar feed link"
                value={result.feedUrl}
                className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs ring-1 ring-inset ring-slate-300"
                onFocus={(e) => e.currentTarget.select()}
              />
            </div>
          ) : null}
          <Form method="post" className="flex gap-2">
            <Button name="intent" value="feed" variant="secondary" busy={busy}>
              Show my calendar link
            </Button>
            <Button name="intent" value="feed-renew" variant="ghost" busy={busy}>
              Replace the link
            </Button>
          </Form>
        </Card>
        <Card
          title="Payouts"
          className="lg:col-span-3"
          description={
            payouts.provider === "stripe"
              ? "Clients can pay for your sessions once your Stripe payouts account is set up."
              : "Test mode: payments are simulated on this site; no money moves."
          }
        >
          {result?.intent === "payouts" && !result.ok ? <Alert>{result.message}</Alert> : null}
          <p className="mb-3 text-sm">
            {payouts.payoutsEnabled
              ? "Payouts are enabled: clients can book and pay."
              : payouts.accountConnected
                ? "Your payouts account still needs details before clients can pay."
                : "Payouts are not set up yet."}
          </p>
          {!payouts.payoutsEnabled ? (
            <Form method="post">
              <Button name="intent" value="payouts" variant="secondary" busy={busy}>
                {payouts.accountConnected ? "Continue payouts setup" : "Set up payouts"}
              </Button>
            </Form>
          ) : null}
        </Card>
        <Card title="Time off" description={`Holidays and other absences. Shown in ${viewerTimeZone}.`}>
          {result?.intent === "timeoff" ? <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert> : null}
          {timeOff.length === 0 ? (
            <EmptyState title="No time off planned" />
          ) : (
            <ul aria-label="Time off" className="mb-4 divide-y divide-slate-100">
              {timeOff.map((t) => (
                <li key={t.id} className="flex items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    {formatDateTime(t.startsAt, viewerTimeZone)} – {formatDateTime(t.endsAt, viewerTimeZone)}
                    {t.reason ? <span className="text-slate-500"> · {t.reason}</span> : null}
                  </span>
                  <Form method="post">
                    <input type="hidden" name="timeOffId" value={t.id} />
                    <Button name="intent" value="remove" variant="ghost">
                      Remove
                    </Button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          <Form method="post" className="space-y-3">
            <input type="hidden" name="intent" value="timeoff" />
            <input type="hidden" name="timeZone" value={availability.timeZone} />
            <Field label={`From (${availability.timeZone})`} name="startsAt" type="datetime-local" />
            <Field label={`Until (${availability.timeZone})`} name="endsAt" type="datetime-local" />
            <Field label="Reason (only you see it)" name="reason" />
            <Button type="submit" variant="secondary" busy={busy}>
              Add time off
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
