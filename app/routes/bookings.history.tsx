import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ActionItemRow, FileList } from "~/components/session-notes";
import { Badge, Card, EmptyState, PageHeader } from "~/components/ui";
import { sessionTypeLabels } from "~/lib/coaching";
import { formatDateTime } from "~/lib/format";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Session history · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    return json({ sessions: await api.sessionNotes.history(), timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

const outcome: Record<string, string> = { COMPLETED: "Completed", NO_SHOW: "Missed", CONFIRMED: "Held" };

/** The client's past sessions, newest first, with what their coach shared. */
export default function SessionHistory() {
  const { sessions, timeZone } = useLoaderData<typeof loader>();
  return (
    <div>
      <PageHeader
        title="Session history"
        description={
          <>
            Your past sessions, newest first. Times in {timeZone}.{" "}
            <Link className="text-brand-700 underline" to="/bookings">
              Upcoming bookings
            </Link>
          </>
        }
      />
      {sessions.length === 0 ? (
        <EmptyState title="No past sessions yet">
          Once you have had a session, your coach&apos;s notes, action items and resources appear here.
        </EmptyState>
      ) : (
        <ol aria-label="Past sessions" className="space-y-4">
          {sessions.map((s) => (
            <li key={s.id}>
              <Card
                title={
                  <Link className="hover:underline" to={`/bookings/${s.id}`}>
                    {s.service?.name ?? "Session"} with {s.coachProfile.displayName}
                  </Link>
                }
                description={`${formatDateTime(s.startsAt, timeZone)} · ${sessionTypeLabels[s.sessionType]}${s.topic ? ` · ${s.topic}` : ""}`}
                actions={
                  <Badge tone={s.status === "NO_SHOW" ? "amber" : "slate"}>{outcome[s.status] ?? s.status}</Badge>
                }
              >
                <div className="grid gap-4 md:grid-cols-3">
                  <div className="md:col-span-2">
                    <h3 className="text-sm font-medium text-slate-700">Progress note</h3>
                    {s.sharedNote ? (
                      <p className="mt-1 whitespace-pre-line text-sm text-slate-800">{s.sharedNote.body}</p>
                    ) : (
                      <p className="mt-1 text-sm text-slate-500">No note shared.</p>
                    )}
                  </div>
                  <div>
                    <h3 className="text-sm font-medium text-slate-700">Action items</h3>
                    {s.actionItems.length === 0 ? (
                      <p className="mt-1 text-sm text-slate-500">None.</p>
                    ) : (
                      <ul
                        aria-label={`Action items of ${formatDateTime(s.startsAt, timeZone)}`}
                        className="mt-1 space-y-1 text-sm"
                      >
                        {s.actionItems.map((i) => (
                          <ActionItemRow key={i.id} bookingId={s.id} item={i} canTick canRemove={false} />
                        ))}
                      </ul>
                    )}
                  </div>
                </div>
                {s.files.length ? (
                  <div className="mt-4">
                    <h3 className="text-sm font-medium text-slate-700">Resources and documents</h3>
                    <FileList
                      bookingId={s.id}
                      files={s.files}
                      label={`Files of ${formatDateTime(s.startsAt, timeZone)}`}
                      removable={false}
                    />
                  </div>
                ) : null}
              </Card>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
