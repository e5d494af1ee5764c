import { createTRPCReact } from "@trpc/react-query";
import type { AppRouter } from "@server/trpc/root.ts";

/** tRPC hooks for the browser; the provider is set up in app/root.tsx. */
export const trpc = createTRPCReact<AppRouter>();
