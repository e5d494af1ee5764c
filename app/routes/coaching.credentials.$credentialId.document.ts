import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { formError, requireViewer } from "~/lib/viewer.server";

/** A credential's document: for its coach and the organisation's admins only, always as a download. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(context, request);
  const actor = { userId: viewer.user.id, tenantId: viewer.tenant.id, role: viewer.role };
  let doc;
  try {
    doc = await context.tandem.services.coaches.credentialDocument(actor, params.credentialId ?? "");
  } catch (error) {
    const { status, body } = formError(error);
    throw new Response(body.ok ? "" : body.message, { status });
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
