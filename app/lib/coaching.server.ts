/** Coaching rules that loaders need (server-only: kept out of the browser bundle). */
export { offeredSessionTypes } from "@server/policies/coaching.ts";
