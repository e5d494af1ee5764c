import type { requireViewer } from "~/lib/viewer.server";

type Api = Awaited<ReturnType<typeof requireViewer>>["api"];

/** Pause, resume or end a coaching relationship from a form post (either side may). */
export async function changeRelationship(
  api: Api,
  intent: "pause" | "resume" | "end",
  fields: { relationshipId?: string; reason?: string },
) {
  await api.relationships[intent]({ relationshipId: fields.relationshipId ?? "", reason: fields.reason ?? "" });
}
