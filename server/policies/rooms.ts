import type { Viewer } from "../services/auth/service.ts";

/** May this viewer join (and see presence in) this room? The one rule for tRPC and Socket.IO. */
export function canJoinRoom(viewer: Pick<Viewer, "tenant">, room: { kind: "tenant"; id: string }): boolean {
  switch (room.kind) {
    case "tenant":
      return viewer.tenant.id === room.id;
  }
}
