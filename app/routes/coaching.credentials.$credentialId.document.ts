import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

/** A credential's document: for its coach and the organisation's admins only, always as a download. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(context, request, { feature: "coaches" });
  const actor = { userId: viewer.user.id, tenantId: viewer.tenant.id, role: viewer.role };
  let doc;
  try {
    doc = await context.tandem.services.coaches.credentialDocument(actor, params.credentialId ?? "");
  } catch (error) {
    throw errorResponse(error);
  }
  return new Response(Readable.toWeb(doc.object.stream) as ReadableStream, {
    headers: {
      "Content-Type": doc.type,
      "Content-Length": String(doc.object.size),
      "Content-Disposition": `attachment; filename="${doc.name.replace(/["\\\r\n]/g, "_")}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
