import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink } from "@trpc/client";
import { type ReactNode, useState } from "react";
import { AppShell } from "~/components/app-shell";
import { RealtimeProvider } from "~/lib/realtime";
import { trpc } from "~/lib/trpc";
import { callerFor } from "~/lib/viewer.server";
import stylesheet from "~/tailwind.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];
export const meta: MetaFunction = () => [
  { title: "Tandem" },
  { name: "description", content: "Tandem: find a coach, book a session and meet live." },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { viewer, api } = await callerFor(context, request);
  return json({
    unread: viewer ? await api.notifications.unreadCount() : 0,
    viewer: viewer
      ? {
          sessionId: viewer.sessionId,
          user: viewer.user,
          tenant: viewer.tenant,
          role: viewer.role,
          memberships: viewer.memberships,
        }
      : null,
  });
}

function Document({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full">
        {children}
        <ScrollRestoration />
        <Scripts />
        <LiveReload />
      </body>
    </html>
  );
}

export default function App() {
  const { viewer, unread } = useLoaderData<typeof loader>();
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 1 } } }),
  );
  const [trpcClient] = useState(() => trpc.createClient({ links: [httpBatchLink({ url: "/api/trpc" })] }));
  return (
    <Document>
      <trpc.Provider client={trpcClient} queryClient={queryClient}>
        <QueryClientProvider client={queryClient}>
          <RealtimeProvider sessionKey={viewer?.sessionId ?? null}>
            <AppShell viewer={viewer} unread={unread}>
              <Outlet />
            </AppShell>
          </RealtimeProvider>
        </QueryClientProvider>
      </trpc.Provider>
    </Document>
  );
}

const errorTitles: Record<number, string> = { 403: "You do not have access to this page", 404: "Page not found" };

export function ErrorBoundary() {
  const error = useRouteError();
  const rootData = useRouteLoaderData<typeof loader>("root");
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // A loader's own explanation when it gave one ("This coach is not listed."); a URL that matches
  // no route carries none.
  const explanation = isRouteErrorResponse(error) && typeof error.data === "string" && error.data ? error.data : null;
  const message = isRouteErrorResponse(error)
    ? (explanation ?? (status === 404 ? "We could not find that page." : error.statusText))
    : "Something went wrong on our side. Please try again.";
  const content = (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-brand-600">{status}</p>
      <h1 className="mt-2 text-2xl font-semibold">{errorTitles[status] ?? "Something went wrong"}</h1>
      <p className="mt-2 text-slate-600">{message}</p>
      <Link to="/" className="mt-6 inline-block text-sm font-medium text-brand-700 underline">
        Back to Tandem
      </Link>
    </div>
  );
  // A response a loader threw on purpose (403, 404…): keep the navigation so that this is not a
  // dead end. Anything unexpected gets a bare page, in case the shell itself is what failed.
  if (isRouteErrorResponse(error)) {
    const viewer = rootData?.viewer ?? null;
    return (
      <Document>
        <RealtimeProvider sessionKey={viewer?.sessionId ?? null}>
          <AppShell viewer={viewer}>{content}</AppShell>
        </RealtimeProvider>
      </Document>
    );
  }
  return (
    <Document>
      <main id="main" className="px-4">
        {content}
      </main>
    </Document>
  );
}
