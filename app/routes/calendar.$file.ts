import type { LoaderFunctionArgs } from "@remix-run/node";

/**
 * A coach's private calendar feed, /calendar/<secret>.ics, for calendar apps (which cannot sign
 * in): the secret in the URL is the credential; the coach can replace it.
 */
export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const file = params.file ?? "";
  if (!file.endsWith(".ics")) throw new Response("Not found", { status: 404 });
  const origin = context.tandem.env.APP_ORIGIN ?? new URL(request.url).origin;
  const feed = await context.tandem.services.bookings.calendarFeed(file.slice(0, -4), origin);
  if (feed === null)
    throw new Response("This calendar link is not valid (it may have been replaced).", { status: 404 });
  return new Response(feed, {
    headers: { "Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, max-age=300" },
  });
}
