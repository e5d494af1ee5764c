import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button, Card, EmptyState, PageHeader } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Notifications · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  return json({ notifications: await api.notifications.list(), timeZone: viewer.user.timeZone });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  return json(await api.notifications.markAllRead());
}

export default function Notifications() {
  const { notifications, timeZone } = useLoaderData<typeof loader>();
  return (
    <div>
      <PageHeader title="Notifications" />
      <Card
        actions={
          notifications.some((n) => !n.readAt) ? (
            <Form method="post">
              <Button variant="secondary">Mark all as read</Button>
            </Form>
          ) : null
        }
      >
        {notifications.length === 0 ? (
          <EmptyState title="No notifications yet">
            Decisions on applications, new reviews and other news about your coaching appear here.
          </EmptyState>
        ) : null}
        {notifications.length ? (
          <ul aria-label="Notifications" className="divide-y divide-slate-100">
            {notifications.map((n) => (
              <li key={n.id} className="py-3 text-sm">
                <p className={n.readAt ? "text-slate-700" : "font-semibold"}>
                  {/* Bold alone does not reach a screen reader. */}
                  {n.readAt ? null : <span className="sr-only">Unread: </span>}
                  {n.link ? (
                    <Link to={n.link} className="hover:underline">
                      {n.title}
                    </Link>
                  ) : (
                    n.title
                  )}
                </p>
                {n.body ? <p className="text-slate-600">{n.body}</p> : null}
                <p className="text-xs text-slate-500">{formatDateTime(n.createdAt, timeZone)}</p>
              </li>
            ))}
          </ul>
        ) : null}
      </Card>
    </div>
  );
}
