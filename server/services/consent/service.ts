import type { DataResource } from "../../db/generated/enums.ts";
import { forbidden } from "../../errors.ts";
import type { ServiceDeps } from "../deps.ts";

/**
 * Consent over client data. Minimal here: the read guard that task logs need; the consent
 * domain (switches per coach, the client's privacy page, `consent:changed`) is built beside it
 * with the same function.
 */
export function createConsentService({ db }: ServiceDeps) {
  return {
    /**
     * Lets `viewerUserId` read `resource` of `clientId`, or throws FORBIDDEN. The client reads
     * their own data freely; anyone else must be a coach of the client (task logs: always shared
     * with the client's coach; journal and goals: by the client's consent), and each such read
     * appends one DataAccessLog row.
     */
    async readGuard(input: {
      tenantId: string;
      viewerUserId: string;
      clientId: string;
      resource: DataResource;
      detail: string;
    }) {
      if (input.viewerUserId === input.clientId) return;
      const relationship = await db.coachingRelationship.findFirst({
        where: { tenantId: input.tenantId, clientId: input.clientId, coachProfile: { userId: input.viewerUserId } },
        select: { coachProfileId: true },
      });
      if (!relationship) throw forbidden("You may not see this client's data.");
      if (input.resource !== "TASK_LOGS") {
        const consent = await db.dataConsent.findUnique({
          where: {
            coachProfileId_clientId: { coachProfileId: relationship.coachProfileId, clientId: input.clientId },
          },
        });
        const allowed = input.resource === "JOURNAL" ? consent?.journal : consent?.goals;
        if (!allowed) throw forbidden("This client has not shared that with you.");
      }
      await db.dataAccessLog.create({
        data: {
          tenantId: input.tenantId,
          clientId: input.clientId,
          viewerId: input.viewerUserId,
          resource: input.resource,
          detail: input.detail.slice(0, 500),
        },
      });
    },
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;
