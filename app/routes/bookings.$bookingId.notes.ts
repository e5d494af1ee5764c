import { type ActionFunctionArgs, json, redirect } from "@remix-run/node";
import { sessionFileLimits } from "~/lib/session-files.server";
import { formError, requireViewer } from "~/lib/viewer.server";

export type NotesActionResult = {
  ok: boolean;
  intent: string;
  message: string;
  fieldErrors: Record<string, string[]>;
  savedAt?: string;
};

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

/**
 * Changes to a booking's session notes, action items and files, posted by the booking page's
 * fetchers. The service decides who may do what; this only reads the form.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request, { feature: "coaches" });
  const bookingId = params.bookingId ?? "";
  // The booking page posts here with fetchers; a plain form post (a browser without JavaScript,
  // which asks for a page) goes back to the booking page with the outcome as a notice.
  const fromFetcher = !(request.headers.get("accept") ?? "").includes("text/html");
  const reply = (body: NotesActionResult, status = 200) =>
    fromFetcher
      ? json(body, { status })
      : redirect(
          `/bookings/${encodeURIComponent(bookingId)}?${new URLSearchParams({ notice: body.message || (body.ok ? "Done." : "That did not work.") })}`,
          303,
        );
  // Files are capped before the body is read (10 MB per file, plus form overhead).
  if (Number(request.headers.get("content-length") ?? 0) > sessionFileLimits.maxBytes + 512 * 1024) {
    const message = `That file is too large. Files may be up to ${sessionFileLimits.maxLabel}.`;
    return reply({ ok: false, intent: "upload", message, fieldErrors: { file: [message] } }, 413);
  }
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    switch (intent) {
      case "upload": {
        const file = form.get("file");
        if (!(file instanceof Blob) || file.size === 0) {
          return reply(
            {
              ok: false,
              intent,
              message: "Choose a file to attach.",
              fieldErrors: { file: ["Choose a file to attach."] },
            },
            400,
          );
        }
        const kind = text(form, "kind") === "RESOURCE" ? "RESOURCE" : "PREPARATION";
        const saved = await api.sessionNotes.uploadFile({ bookingId, kind, file });
        return reply({ ok: true, intent, message: `${saved.fileName} is attached.`, fieldErrors: {} });
      }
      case "deleteFile":
        await api.sessionNotes.deleteFile({ fileId: text(form, "fileId") });
        return reply({ ok: true, intent, message: "File removed.", fieldErrors: {} });
      case "saveNote": {
        const visibility = text(form, "visibility") === "SHARED" ? "SHARED" : "PRIVATE";
        const saved = await api.sessionNotes.saveNote({ bookingId, visibility, body: text(form, "body") });
        return reply({
          ok: true,
          intent: `${intent}:${visibility}`,
          message: "Saved.",
          fieldErrors: {},
          savedAt: saved.updatedAt.toISOString(),
        });
      }
      case "addActionItem":
        await api.sessionNotes.addActionItem({ bookingId, text: text(form, "text") });
        return reply({ ok: true, intent, message: "Action item added.", fieldErrors: {} });
      case "removeActionItem":
        await api.sessionNotes.removeActionItem({ itemId: text(form, "itemId") });
        return reply({ ok: true, intent, message: "Action item removed.", fieldErrors: {} });
      case "tickActionItem":
        await api.sessionNotes.setActionItemDone({ itemId: text(form, "itemId"), done: text(form, "done") === "true" });
        return reply({ ok: true, intent, message: "", fieldErrors: {} });
      default:
        return reply({ ok: false, intent, message: "Unknown action.", fieldErrors: {} }, 400);
    }
  } catch (error) {
    const { status, body } = formError(error);
    const fullIntent =
      intent === "saveNote" ? `${intent}:${text(form, "visibility") === "SHARED" ? "SHARED" : "PRIVATE"}` : intent;
    return reply(
      {
        ok: false,
        intent: fullIntent,
        message: body.ok ? "" : body.message,
        fieldErrors: body.ok ? {} : body.fieldErrors,
      },
      status,
    );
  }
}
