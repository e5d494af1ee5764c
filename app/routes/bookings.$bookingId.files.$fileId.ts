import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

/** A file attached to a booking: for its coach and client only, always as a download with its stored type. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(context, request, { feature: "coaches" });
  const actor = { userId: viewer.user.id, tenantId: viewer.tenant.id, role: viewer.role };
  let file;
  try {
    file = await context.tandem.services.sessionNotes.file(actor, params.fileId ?? "");
  } catch (error) {
    throw errorResponse(error);
  }
  // An ASCII fallback name plus the exact name (RFC 6266 / 5987) for names with accents.
  const ascii = file.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return new Response(Readable.toWeb(file.object.stream) as ReadableStream, {
    headers: {
      "Content-Type": file.type,
      "Content-Length": String(file.object.size),
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
