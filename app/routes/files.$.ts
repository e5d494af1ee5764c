import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/lib/viewer.server";

/**
 * Coach photos, for signed-in members of the photo's organisation. Keys hold a random id, so a
 * stored object never changes and may be cached.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(context, request, { feature: "coaches" });
  const key = params["*"] ?? "";
  const object = await context.tandem.services.coaches.photo({ tenantId: viewer.tenant.id }, key).catch(() => null);
  if (!object) throw new Response("Not found", { status: 404 });
  return new Response(Readable.toWeb(object.stream) as ReadableStream, {
    headers: {
      "Content-Type": object.contentType,
      "Content-Length": String(object.size),
      "Cache-Control": "private, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
