import { type ActionFunctionArgs, json } from "@remix-run/node";
import { errorStatus } from "~/lib/errors.server";
import { requireViewer } from "~/lib/viewer.server";

/** A chat attachment is at most 10 MB; the body is refused before it is read when clearly larger. */
const MAX_BODY_BYTES = 10 * 1024 * 1024 + 64 * 1024;

/** Uploads a file for a chat message (members of the thread only); answers with the id to send. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { viewer } = await requireViewer(context, request, { feature: "coaches" });
  if (request.method !== "POST") return json({ ok: false as const, message: "Use POST." }, { status: 405 });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return json(
      { ok: false as const, message: "That file is too large; attachments may be up to 10 MB." },
      { status: 413 },
    );
  }
  let file: File | null;
  try {
    const value = (await request.formData()).get("file");
    file = value instanceof Blob ? (value as File) : null;
  } catch {
    return json({ ok: false as const, message: "The upload could not be read; try again." }, { status: 400 });
  }
  if (!file || file.size === 0)
    return json({ ok: false as const, message: "Choose a file to attach." }, { status: 400 });
  try {
    const actor = { userId: viewer.user.id, tenantId: viewer.tenant.id };
    const uploaded = await context.tandem.services.chat.uploadAttachment(actor, params.threadId ?? "", {
      bytes: new Uint8Array(await file.arrayBuffer()),
      name: file.name,
    });
    return json({ ok: true as const, ...uploaded });
  } catch (error) {
    const status = errorStatus(error);
    if (status) return json({ ok: false as const, message: (error as Error).message }, { status });
    throw error;
  }
}
