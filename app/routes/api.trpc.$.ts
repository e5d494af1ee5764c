import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

/** tRPC over HTTP at /api/trpc/* (queries as GET, mutations as POST). */
function handle({ request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  const { tandem, clientIp } = context;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: tandem.router,
    createContext: ({ resHeaders }) => tandem.createContext(request, resHeaders, clientIp),
  });
}

export const loader = handle;
export const action = handle;
