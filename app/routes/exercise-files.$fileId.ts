import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/lib/viewer.server";

/** A file of an exercise: for its author, coaches (when published) and clients with a task from it; always a download. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(context, request);
  const actor = { userId: viewer.user.id, tenantId: viewer.tenant.id, role: viewer.role };
  let file;
  try {
    file = await context.tandem.services.exercises.file(actor, params.fileId ?? "");
  } catch (error) {
    if (error instanceof Error && error.name === "AppError" && "code" in error) {
      const status =
        ({ NOT_FOUND: 404, FORBIDDEN: 403, BAD_REQUEST: 400 } as Record<string, number>)[String(error.code)] ?? 400;
      throw new Response(error.message, { status });
    }
    throw error;
  }
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
