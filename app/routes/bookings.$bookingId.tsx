import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { SessionRoomNotice } from "~/components/call/JoinSession";
import { ChatPanel } from "~/components/chat/ChatPanel";
import { SessionNotesSections } from "~/components/session-notes";
import { BOOKING_STEPS, Steps } from "~/components/steps";
import { Alert, Badge, Button, Card, controlClass, PageHeader } from "~/components/ui";
import { sessionTypeLabels } from "~/lib/coaching";
import { formatDateTime } from "~/lib/format";
import { formatMinor } from "~/lib/money";
import { sessionFileLimits } from "~/lib/session-files.server";
import { formatSlotForViewer, groupSlotsByLocalDate } from "~/lib/time.server";
import { errorResponse, formError, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Your booking · Tandem" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const booking = await api.bookings.detail({ bookingId: params.bookingId ?? "" });
    const cancellable =
      (booking.status === "PENDING" || booking.status === "CONFIRMED") && booking.endsAt.getTime() > Date.now();
    const preview = cancellable ? await api.bookings.cancellationPreview({ bookingId: booking.id }) : null;
    let move:
      | { days: { date: string; label: string; slots: { start: string; time: string; zoneLabel: string }[] }[] }
      | { unavailable: string }
      | null = null;
    if (booking.status === "CONFIRMED") {
      try {
        const tz = viewer.user.timeZone;
        const slots = await api.bookings.rescheduleOptions({
          bookingId: booking.id,
          to: new Date(Date.now() + 14 * 86_400_000).toISOString(),
        });
        const groups = groupSlotsByLocalDate(
          slots.map((s) => ({ start: new Date(s.start), end: new Date(s.end) })),
          tz,
        );
        move = {
          days: groups.map((g) => ({
            date: g.date,
            label: formatSlotForViewer(g.slots[0]!, tz).date,
            slots: g.slots.map((s) => ({ start: s.start.toISOString(), ...formatSlotForViewer(s, tz) })),
          })),
        };
      } catch (error) {
        const { body } = formError(error);
        move = { unavailable: body.ok ? "" : body.message };
      }
    }
    // Preparation, notes, action items and resources; a failure here leaves the rest of the page usable.
    const sessionNotes = await api.sessionNotes.forBooking({ bookingId: booking.id }).then(
      (data) => ({ data, error: null }),
      (error: unknown) => {
        const { body } = formError(error);
        return { data: null, error: body.ok ? "" : body.message };
      },
    );
    // The session chat, addressed by its thread id (made by the sessions service on first use).
    const { threadId } = await api.chat.sessionThread({ bookingId: booking.id });
    const query = new URL(request.url).searchParams;
    const attachError = query.get("attachError") ?? query.get("notice");
    return json({
      booking,
      preview,
      move,
      timeZone: viewer.user.timeZone,
      now: Date.now(),
      sessionNotes,
      fileLimits: sessionFileLimits,
      attachError,
      threadId,
    });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const form = await request.formData();
  try {
    if (form.get("intent") === "reschedule") {
      const startsAt = String(form.get("startsAt") ?? "");
      if (!startsAt) return json({ message: "Choose a new time.", done: null }, { status: 400 });
      await api.bookings.reschedule({ bookingId: params.bookingId ?? "", startsAt });
      return json({ message: null, done: "Moved. Both of you have been told, and the reminders follow the new time." });
    }
    if (form.get("intent") === "cancel") {
      const { refundMinor, currency, creditReturned } = await api.bookings.cancel({
        bookingId: params.bookingId ?? "",
        reason: String(form.get("reason") ?? ""),
      });
      return json({
        message: null,
        done:
          refundMinor > 0
            ? `Cancelled. ${formatMinor(refundMinor, currency)} is on its way back to the card you paid with.`
            : creditReturned
              ? "Cancelled. The package credit is back in the package."
              : "Cancelled.",
      });
    }
    const { url } = await api.payments.startCheckout({ bookingId: params.bookingId ?? "" });
    return redirect(url);
  } catch (error) {
    const { status, body } = formError(error);
    return json({ message: body.ok ? "" : body.message, done: null }, { status });
  }
}

/**
 * Minutes and seconds left on the hold, ticking. The first render counts from the loader's
 * `now`, so that the server's HTML and the browser's first render agree (hydration); the
 * browser's clock takes over from the first tick.
 */
function HoldCountdown({ until, now, onExpired }: { until: string; now: number; onExpired: () => void }) {
  const [left, setLeft] = useState(() => new Date(until).getTime() - now);
  useEffect(() => {
    const timer = setInterval(() => {
      const ms = new Date(until).getTime() - Date.now();
      setLeft(ms);
      if (ms <= 0) {
        clearInterval(timer);
        onExpired();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [until, onExpired]);
  const s = Math.max(0, Math.floor(left / 1000));
  return (
    <span role="timer" aria-live="off">
      {Math.floor(s / 60)}:{String(s % 60).padStart(2, "0")}
    </span>
  );
}

export default function BookingPage() {
  const { booking, preview, move, timeZone, now, sessionNotes, fileLimits, attachError, threadId } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { revalidate } = useRevalidator();
  const step = booking.status === "PENDING" ? 2 : 3;
  const title = booking.service?.name ?? "Session";
  return (
    <div>
      <PageHeader
        title={`${title} with ${booking.coachProfile.displayName}`}
        description={`${formatDateTime(booking.startsAt, timeZone)} · ${sessionTypeLabels[booking.sessionType]}`}
      />
      {booking.viewerIsClient ? <Steps steps={BOOKING_STEPS} current={step} /> : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title={booking.status === "PENDING" ? "3. Payment" : "Booking"} className="lg:col-span-2">
          {booking.status === "PENDING" && booking.holdActive && booking.viewerIsClient ? (
            <div className="space-y-4">
              <p className="text-sm text-slate-700">
                This time is held for you for{" "}
                <strong>
                  <HoldCountdown until={booking.holdExpiresAt!} now={now} onExpired={revalidate} />
                </strong>{" "}
                more. Pay to confirm it.
              </p>
              <p className="text-2xl font-semibold">{formatMinor(booking.priceMinor, booking.currency)}</p>
              <Alert tone="info">{booking.policy}</Alert>
              {result?.message ? <Alert>{result.message}</Alert> : null}
              <Form method="post">
                <Button type="submit" busy={busy}>
                  Pay {formatMinor(booking.priceMinor, booking.currency)}
                </Button>
              </Form>
            </div>
          ) : booking.status === "PENDING" ? (
            <Alert>
              The hold on this time has expired before payment.{" "}
              <Link className="underline" to={`/coaches/${booking.coachProfile.id}`}>
                Choose a new time
              </Link>
              .
            </Alert>
          ) : booking.status === "CONFIRMED" ? (
            <div className="space-y-2 text-sm">
              <p>
                <Badge tone="green">Confirmed</Badge>{" "}
                {booking.viewerIsClient ? "You are booked. Your coach has been told." : "This session is booked."}
              </p>
              <p>
                {formatDateTime(booking.startsAt, timeZone)} – {formatDateTime(booking.endsAt, timeZone)}
              </p>
              <p className="text-slate-600">{booking.policy}</p>
              <p>
                <a className="font-medium text-brand-700 underline" href={`/bookings/${booking.id}/calendar`} download>
                  Add to your calendar (.ics)
                </a>
              </p>
              {booking.sessionType !== "IN_PERSON" ? (
                <SessionRoomNotice bookingId={booking.id} timeZone={timeZone} />
              ) : null}
            </div>
          ) : (
            <div className="space-y-2 text-sm">
              <p>
                <Badge>{booking.status.toLowerCase().replace("_", "-")}</Badge> {booking.cancellationReason ?? ""}
              </p>
              {!booking.viewerIsClient && booking.outcomeSummary ? (
                <p className="text-slate-700">Attendance: {booking.outcomeSummary}</p>
              ) : null}
            </div>
          )}
        </Card>
        <Card title="Details">
          <dl className="space-y-2 text-sm">
            <div>
              <dt className="text-slate-500">When</dt>
              <dd>{formatDateTime(booking.startsAt, timeZone)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">How</dt>
              <dd>{sessionTypeLabels[booking.sessionType]}</dd>
            </div>
            {booking.topic ? (
              <div>
                <dt className="text-slate-500">Topic</dt>
                <dd>{booking.topic}</dd>
              </div>
            ) : null}
            {booking.clientNotes ? (
              <div>
                <dt className="text-slate-500">Notes</dt>
                <dd className="whitespace-pre-line">{booking.clientNotes}</dd>
              </div>
            ) : null}
            <div>
              <dt className="text-slate-500">Price</dt>
              <dd>
                {booking.packagePurchaseId ? "One package credit" : formatMinor(booking.priceMinor, booking.currency)}
              </dd>
            </div>
          </dl>
          <Link to="/bookings" className="mt-4 inline-block text-sm font-medium text-brand-700 underline">
            All your bookings
          </Link>
        </Card>
        {result?.done ? (
          <div className="lg:col-span-3">
            <Alert tone="success">{result.done}</Alert>
          </div>
        ) : null}
        {sessionNotes.data ? (
          <SessionNotesSections
            bookingId={booking.id}
            data={sessionNotes.data}
            limits={fileLimits}
            timeZone={timeZone}
            notice={attachError}
          />
        ) : (
          <div className="lg:col-span-3">
            <Alert>{sessionNotes.error || "Notes and files could not be loaded."}</Alert>
          </div>
        )}
        {/* The session chat, for the booking's coach and client (the only people this page loads for). */}
        <ChatPanel threadId={threadId} className="lg:col-span-3" />
        {move ? (
          <Card
            title="Move to another time"
            className="lg:col-span-3"
            description={`No new payment. Times in ${timeZone}.`}
          >
            {"unavailable" in move ? (
              <p className="text-sm text-slate-700">{move.unavailable}</p>
            ) : move.days.length === 0 ? (
              <p className="text-sm text-slate-700">No other free times in the next two weeks.</p>
            ) : (
              <Form method="post" className="space-y-3">
                {move.days.slice(0, 5).map((d) => (
                  <fieldset key={d.date}>
                    <legend className="mb-1 text-sm font-semibold text-slate-800">{d.label}</legend>
                    <div className="flex flex-wrap gap-2">
                      {d.slots.map((s) => (
                        <label
                          key={s.start}
                          className="cursor-pointer rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 has-[:checked]:bg-brand-600 has-[:checked]:text-white has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500"
                        >
                          <input
                            type="radio"
                            name="startsAt"
                            value={s.start}
                            className="sr-only"
                            required
                            defaultChecked={s.start === new Date(booking.startsAt).toISOString()}
                          />
                          {s.time} <span className="text-xs opacity-75">{s.zoneLabel}</span>
                        </label>
                      ))}
                    </div>
                  </fieldset>
                ))}
                <Button name="intent" value="reschedule" variant="secondary" busy={busy}>
                  Move session
                </Button>
              </Form>
            )}
          </Card>
        ) : null}
        {preview ? (
          <Card title="Cancel this session" className="lg:col-span-3">
            <Form method="post" className="flex flex-wrap items-end gap-3">
              <p className="w-full text-sm text-slate-700">
                {preview.creditReturned !== null
                  ? preview.creditReturned
                    ? "If you cancel now, the package credit returns to the package."
                    : "If you cancel now, the package credit is used: it is too late for it to return."
                  : preview.paid
                    ? preview.refundMinor > 0
                      ? `If you cancel now, ${formatMinor(preview.refundMinor, preview.currency)} is refunded.`
                      : "If you cancel now, nothing is refunded."
                    : "Nothing has been paid; cancelling releases the time."}
              </p>
              <label className="min-w-64 flex-1 text-sm font-medium text-slate-700">
                Reason (shared with the other person)
                <input name="reason" maxLength={500} className={controlClass(false, "mt-1")} />
              </label>
              <Button name="intent" value="cancel" variant="danger" busy={busy}>
                Cancel session
              </Button>
            </Form>
          </Card>
        ) : null}
      </div>
    </div>
  );
}
