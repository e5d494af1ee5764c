import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { InCall } from "~/components/call/InCall";
import { type JoinChoice, PreJoin } from "~/components/call/PreJoin";
import { ChatPanel } from "~/components/chat/ChatPanel";
import { SessionTasksPanel } from "~/components/tasks/SessionTasksPanel";
import { Alert, Button, Card, PageHeader } from "~/components/ui";
import { sessionTypeLabels } from "~/lib/coaching";
import { formatDateTime } from "~/lib/format";
import { trpc } from "~/lib/trpc";
import { formError, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Session room · Tandem" }];

const NOT_FOUND = {
  ok: false as const,
  reason: "NOT_FOUND" as const,
  message: "This session was not found, or you are not one of its participants.",
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  const base = { timeZone: viewer.user.timeZone, serverNow: Date.now(), bookingId: params.bookingId ?? "" };
  try {
    const access = await api.sessions.room({ bookingId: params.bookingId ?? "" });
    // The session's chat thread (made by the sessions service on first use), by its id.
    const threadId = access.ok ? (await api.chat.sessionThread({ bookingId: access.booking.id })).threadId : null;
    // The coach's profile, for the tasks side panel (tasks assigned by this coach to this client).
    const coachProfileId = access.ok
      ? (await api.bookings.detail({ bookingId: access.booking.id })).coachProfile.id
      : null;
    return json(
      { ...base, access, threadId, coachProfileId },
      { status: access.ok ? 200 : access.reason === "NOT_FOUND" ? 404 : 409 },
    );
  } catch (error) {
    // A malformed id is just a session that does not exist.
    if (formError(error).status === 400)
      return json({ ...base, access: NOT_FOUND, threadId: null, coachProfileId: null }, { status: 404 });
    throw error;
  }
}

/** "2 h 5 min", "4 min 10 s": the time left until the room opens. */
function formatLeft(ms: number) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  return m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

/** Counts down to the opening and reloads the room then, so that the person walks straight in. */
function OpensIn({ opensAt, skew, serverNow }: { opensAt: string; skew: number; serverNow: number }) {
  const { revalidate, state } = useRevalidator();
  const target = new Date(opensAt).getTime();
  // The first render counts from the loader's clock, so that server HTML and hydration agree.
  const [left, setLeft] = useState(() => target - serverNow);
  useEffect(() => {
    const timer = setInterval(() => {
      const ms = target - (Date.now() + skew);
      setLeft(ms);
      if (ms <= 0) {
        clearInterval(timer);
        revalidate();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [target, skew, revalidate]);
  return (
    <p className="text-sm text-slate-700">
      {left > 0 ? (
        <>
          Opens in{" "}
          <strong role="timer" aria-live="off">
            {formatLeft(left)}
          </strong>
          . This page lets you in by itself then.
        </>
      ) : (
        <span role="status">{state === "idle" ? "Opening…" : "Opening the room…"}</span>
      )}
    </p>
  );
}

export default function SessionRoom() {
  const { access, threadId, coachProfileId, timeZone, serverNow, bookingId } = useLoaderData<typeof loader>();
  // The server's clock decides; the countdown follows it, not the device's.
  const [skew] = useState(() => serverNow - Date.now());

  if (!access.ok) {
    const titles: Record<string, string> = {
      NOT_FOUND: "Session not found",
      TOO_EARLY: "The room is not open yet",
      ENDED: "This session has ended",
      CANCELLED: "This session was cancelled",
      NOT_CONFIRMED: "This booking is not confirmed",
      IN_PERSON: "This session is in person",
    };
    return (
      <div className="mx-auto max-w-xl">
        <PageHeader title={titles[access.reason] ?? "The room is closed"} />
        <Card>
          <div className="space-y-3">
            {access.reason === "TOO_EARLY" && "opensAt" in access && access.opensAt ? (
              <>
                <p className="text-sm text-slate-700">
                  The room opens 10 minutes before the session starts, at {formatDateTime(access.opensAt, timeZone)}{" "}
                  (your time zone, {timeZone}).
                </p>
                <OpensIn serverNow={serverNow} opensAt={String(access.opensAt)} skew={skew} />
              </>
            ) : (
              <p className="text-sm text-slate-700">{access.message}</p>
            )}
            <p className="text-sm">
              {access.reason === "NOT_FOUND" ? (
                <Link className="font-medium text-brand-700 underline" to="/bookings">
                  Your bookings
                </Link>
              ) : (
                <Link className="font-medium text-brand-700 underline" to={`/bookings/${bookingId}`}>
                  Back to the booking
                </Link>
              )}
            </p>
          </div>
        </Card>
      </div>
    );
  }

  return (
    <OpenRoom access={access} threadId={threadId ?? ""} coachProfileId={coachProfileId ?? ""} timeZone={timeZone} />
  );
}

type OpenAccess = Extract<ReturnType<typeof useLoaderData<typeof loader>>["access"], { ok: true }>;

function OpenRoom({
  access,
  threadId,
  coachProfileId,
  timeZone,
}: {
  access: OpenAccess;
  threadId: string;
  coachProfileId: string;
  timeZone: string;
}) {
  const { booking } = access;
  // Tasks beside the call and the chat: the coach assigns while talking, the client sees it arrive.
  const tasks = (
    <Card>
      <SessionTasksPanel
        clientId={booking.client.userId}
        coachProfileId={coachProfileId}
        viewer={access.role === "coach" ? "coach" : "client"}
      />
    </Card>
  );
  const other = access.role === "coach" ? booking.client : booking.coach;
  const media = booking.sessionType === "PHONE" ? "audio" : "video";
  const utils = trpc.useUtils();
  const [choice, setChoice] = useState<JoinChoice | null>(null);
  const [left, setLeft] = useState(false);

  const livekitGrant = useCallback(
    () => utils.client.sessions.livekitToken.mutate({ bookingId: booking.id }),
    [utils, booking.id],
  );
  const setup = useMemo(
    () =>
      ({
        bookingId: booking.id,
        media,
        transport: access.transport,
        polite: access.role === "client",
        iceServers: access.iceServers,
        otherName: other.name,
        livekitGrant,
      }) as const,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [booking.id, media, access.transport, access.role, JSON.stringify(access.iceServers), other.name, livekitGrant],
  );

  // The preview's own tracks end with the room.
  useEffect(() => () => choice?.stream.getTracks().forEach((t) => t.stop()), [choice]);

  const title = `${booking.serviceName ?? "Session"} with ${other.name}`;
  const description = `${formatDateTime(booking.startsAt, timeZone)} – ${formatDateTime(booking.endsAt, timeZone)} · ${sessionTypeLabels[booking.sessionType]}`;

  if (booking.sessionType === "CHAT") {
    return (
      <div>
        <PageHeader title={title} description={description} />
        <div className="grid gap-6 lg:grid-cols-3">
          <ChatPanel threadId={threadId} className="min-h-[32rem] lg:col-span-2" />
          {tasks}
        </div>
      </div>
    );
  }

  return (
    <div>
      <PageHeader title={title} description={description} />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          {left ? (
            <Card title="You left the session">
              <div className="flex flex-wrap items-center gap-3">
                <Button
                  type="button"
                  onClick={() => {
                    setChoice(null);
                    setLeft(false);
                  }}
                >
                  Rejoin
                </Button>
                <Link className="text-sm font-medium text-brand-700 underline" to={`/bookings/${booking.id}`}>
                  Back to the booking
                </Link>
              </div>
            </Card>
          ) : choice ? (
            <InCall setup={setup} choice={choice} onLeft={() => setLeft(true)} />
          ) : (
            <PreJoin media={media} otherName={other.name} onJoin={setChoice} />
          )}
          {access.transport === "livekit" ? (
            <p className="mt-2 text-xs text-slate-500">
              End-to-end encrypted: the key is made for this session and given only to the two of you.
            </p>
          ) : (
            <p className="mt-2 text-xs text-slate-500">A direct, encrypted connection between the two of you.</p>
          )}
        </div>
        <div className="space-y-6 lg:col-span-1">
          <ChatPanel threadId={threadId} />
          {tasks}
        </div>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <div className="mx-auto max-w-xl py-10">
      <Alert>The session room could not be loaded. Reload the page to try again.</Alert>
    </div>
  );
}
