import { AppError } from "../errors.ts";

/**
 * Tenant feature flags, decided in one place (ADR 017 names the error). Every entry point asks
 * here: the tRPC builder (`coachingProcedure`), the socket handler wrapper
 * (realtime/handlers/validate.ts) and the Remix resource-route helper (`requireViewer(…, {
 * feature })` in app/lib/viewer.server.ts). A flag that is off is the same clear FORBIDDEN error
 * everywhere: a 403 page or response, a tRPC FORBIDDEN, a socket ack with code FORBIDDEN.
 */
export type Feature = "coaches";

/** The flags as a tenant row carries them. */
export interface TenantFlags {
  featureCoaches: boolean;
}

const FLAG: Record<Feature, keyof TenantFlags> = { coaches: "featureCoaches" };
const REFUSAL: Record<Feature, string> = { coaches: "Coaching is not enabled in this organisation." };

export function hasFeature(tenant: TenantFlags, feature: Feature): boolean {
  return tenant[FLAG[feature]] === true;
}

/** Throws FORBIDDEN with the feature's message unless the tenant has it switched on. */
export function requireFeature(tenant: TenantFlags, feature: Feature): void {
  if (!hasFeature(tenant, feature)) throw new AppError("FORBIDDEN", REFUSAL[feature]);
}

/**
 * The feature a socket event belongs to: chat and calls are coaching (sessions with a coach);
 * presence is the organisation's and needs none.
 */
export function featureOfSocketEvent(event: string): Feature | null {
  if (event.startsWith("chat:") || event.startsWith("call:")) return "coaches";
  return null;
}
