import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/lib/viewer.server";

const codes: Record<string, number> = { BAD_REQUEST: 400, FORBIDDEN: 403, NOT_FOUND: 404 };

/** A chat message's attachment, for members of its thread only, always as a download. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(context, request);
  let file;
  try {
    file = await context.tandem.services.chat.attachment(
      { userId: viewer.user.id, tenantId: viewer.tenant.id },
      params.messageId ?? "",
    );
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    if (e?.name === "AppError" && e.code && codes[e.code])
      throw new Response(e.message ?? "", { status: codes[e.code] });
    throw error;
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
