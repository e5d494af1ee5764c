import type { LoaderFunctionArgs } from "@remix-run/node";
import { errorResponse, requireViewer } from "~/lib/viewer.server";

/** A chat message's attachment, for members of its thread only, always as a download. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(context, request, { feature: "coaches" });
  let file;
  try {
    file = await context.tandem.services.chat.attachment(
      { userId: viewer.user.id, tenantId: viewer.tenant.id },
      params.messageId ?? "",
    );
  } catch (error) {
    throw errorResponse(error);
  }
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.type,
      "Content-Length": String(file.bytes.length),
      "Content-Disposition": `attachment; filename="${file.name.replace(/["\\\r\n]/g, "_")}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
