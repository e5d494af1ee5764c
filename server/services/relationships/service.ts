import { AppError } from "../../errors.ts";
import type { ServiceDeps } from "../deps.ts";

/**
 * Coach–client relationships. Minimal here: the check that tasks need ("is this person an
 * ACTIVE client of this coach?"); the relationships domain (states, history, capacity, the
 * DIRECT thread) is built beside it with the same function.
 */
export function createRelationshipService({ db }: ServiceDeps) {
  return {
    /** Throws FORBIDDEN unless an ACTIVE relationship of this coach and client exists in the tenant. */
    async requireActiveClient(input: { tenantId: string; coachProfileId: string; clientId: string }) {
      const relationship = await db.coachingRelationship.findFirst({
        where: {
          tenantId: input.tenantId,
          coachProfileId: input.coachProfileId,
          clientId: input.clientId,
          status: "ACTIVE",
        },
        select: { id: true, threadId: true },
      });
      if (!relationship)
        throw new AppError("FORBIDDEN", "This person is not your client.", {
          clientId: ["This person is not your client."],
        });
      return relationship;
    },
  };
}

export type RelationshipService = ReturnType<typeof createRelationshipService>;
