import type { LoaderFunctionArgs } from "@remix-run/node";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

/** The booking as a calendar file (.ics) to add to any calendar app. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request, { feature: "coaches" });
  try {
    const ics = await api.bookings.calendarFile({ bookingId: params.bookingId ?? "" });
    return new Response(ics, {
      headers: {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'attachment; filename="tandem-session.ics"',
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    throw errorResponse(error);
  }
}
