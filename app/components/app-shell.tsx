import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { Form, Link, NavLink, useRevalidator, useSubmit } from "@remix-run/react";
import { clsx } from "clsx";
import { type ReactNode, useEffect, useState } from "react";
import { roleLabels } from "~/lib/format";
import { useRealtime } from "~/lib/realtime";

export interface ShellViewer {
  user: { name: string; email: string };
  tenant: { id: string; name: string; slug: string; featureCoaches: boolean };
  role: string;
  memberships: { tenantSlug: string; tenantName: string; role: string }[];
}

/** Navigation depends on the role (on wide screens the account menu holds "Account") in the current tenant and its flags; only pages that exist are linked. */
export function navFor(viewer: ShellViewer) {
  const items = [{ to: "/dashboard", label: "Dashboard" }];
  const coaching = viewer.tenant.featureCoaches;
  const coachRole = viewer.role === "COACH" || viewer.role === "CERTIFIED_COACH" || viewer.role === "PERSONAL_TRAINER";
  if (coaching && viewer.role === "CLIENT") {
    items.push(
      { to: "/coaches", label: "Find a coach" },
      { to: "/bookings", label: "Bookings" },
      { to: "/packages", label: "Packages" },
      { to: "/tasks", label: "My tasks" },
      { to: "/favourites", label: "Saved" },
      { to: "/reviews", label: "Reviews" },
      { to: "/my-coach", label: "My coach" },
      { to: "/goals", label: "Goals" },
      { to: "/journal", label: "Journal" },
      { to: "/coaching/apply", label: "Become a coach" },
    );
  }
  if (coaching && coachRole) {
    items.push(
      { to: "/coaching/clients", label: "Clients" },
      { to: "/coaching/profile", label: "Profile" },
      { to: "/coaching/services", label: "Services" },
      { to: "/coaching/packages", label: "Packages" },
      { to: "/coaching/bookings", label: "Sessions" },
      { to: "/tasks", label: "Tasks" },
      { to: "/coaching/exercises", label: "Exercises" },
      { to: "/coaching/availability", label: "Availability" },
      { to: "/coaching/integrations", label: "Integrations" },
      { to: "/earnings", label: "Earnings" },
      { to: "/coaching/reviews", label: "My reviews" },
    );
  }
  if (coaching && (viewer.role === "CERTIFIED_COACH" || viewer.role === "TENANT_ADMIN"))
    items.push({ to: "/coaching/review", label: "Applications" });
  if (viewer.role === "TENANT_ADMIN") {
    if (coaching) items.push({ to: "/coaching/coaches", label: "Coaches" }, { to: "/earnings", label: "Income" });
    items.push({ to: "/organisation", label: "Organisation" });
  }
  if (viewer.memberships.some((m) => m.role === "SYSTEM_ADMIN")) items.push({ to: "/admin/tenants", label: "Tenants" });
  items.push({ to: "/account", label: "Account" });
  return items;
}

/**
 * Unread notifications, kept live by the `notification:new` socket event. A notification often
 * says the viewer's standing changed (approved as a coach, suspended, certified), so the loaders
 * run again: the navigation and the page follow the new role without a reload.
 */
function NotificationBell({ initial }: { initial: number }) {
  const { socket } = useRealtime();
  const { revalidate } = useRevalidator();
  const [unread, setUnread] = useState(initial);
  useEffect(() => setUnread(initial), [initial]);
  useEffect(() => {
    if (!socket) return;
    const onNew = () => {
      setUnread((n) => n + 1);
      revalidate();
    };
    socket.on("notification:new", onNew);
    return () => void socket.off("notification:new", onNew);
  }, [socket, revalidate]);
  return (
    <Link
      to="/notifications"
      className="relative rounded-md p-2 text-slate-600 hover:bg-slate-100"
      aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
    >
      {/* An SVG, not an emoji: it must not depend on the device having an emoji font. */}
      <svg
        aria-hidden
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.8}
        strokeLinecap="round"
        strokeLinejoin="round"
        className="h-5 w-5"
      >
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {unread ? (
        <span
          aria-hidden
          className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs font-semibold text-white"
        >
          {unread}
        </span>
      ) : null}
    </Link>
  );
}

function ConnectionDot() {
  const { status } = useRealtime();
  const label = { connected: "Live updates on", connecting: "Connecting…", offline: "Offline: live updates paused" }[
    status
  ];
  return (
    <span className="flex items-center gap-1.5 text-xs text-slate-500" title={label}>
      <span
        aria-hidden
        className={clsx(
          "h-2 w-2 rounded-full",
          status === "connected" ? "bg-emerald-500" : status === "connecting" ? "bg-amber-400" : "bg-slate-400",
        )}
      />
      {/* Spelled out where there is room; the main navigation needs the space on narrower desktops. */}
      <span className="sr-only whitespace-nowrap sm:not-sr-only lg:sr-only 2xl:not-sr-only">{label}</span>
    </span>
  );
}

/** Refreshes loader data when an admin changes the tenant (flags, name) anywhere. */
function TenantLiveRefresh() {
  const { socket } = useRealtime();
  const { revalidate } = useRevalidator();
  useEffect(() => {
    if (!socket) return;
    const onUpdated = () => revalidate();
    socket.on("tenant:updated", onUpdated);
    return () => void socket.off("tenant:updated", onUpdated);
  }, [socket, revalidate]);
  return null;
}

function WaveToasts() {
  const { socket } = useRealtime();
  const [toasts, setToasts] = useState<{ id: number; text: string }[]>([]);
  useEffect(() => {
    if (!socket) return;
    const onWave = (p: { from: { name: string } }) => {
      const id = Date.now() + Math.random();
      setToasts((t) => [...t, { id, text: `${p.from.name} waved at you 👋` }]);
      setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
    };
    socket.on("presence:waved", onWave);
    return () => void socket.off("presence:waved", onWave);
  }, [socket]);
  return (
    <div aria-live="polite" className="pointer-events-none fixed bottom-4 right-4 z-50 flex flex-col gap-2">
      {toasts.map((t) => (
        <div key={t.id} role="status" className="rounded-lg bg-slate-900 px-4 py-3 text-sm text-white shadow-lg">
          {t.text}
        </div>
      ))}
    </div>
  );
}

export function AppShell({
  viewer,
  unread = 0,
  children,
}: {
  viewer: ShellViewer | null;
  unread?: number;
  children: ReactNode;
}) {
  const submit = useSubmit();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3">
          <div className="flex min-w-0 items-center gap-6">
            <Link to={viewer ? "/dashboard" : "/"} className="flex items-center gap-2 font-semibold text-slate-900">
              <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-brand-600 text-sm text-white">
                T
              </span>
              Tandem
            </Link>
            {viewer ? (
              <nav aria-label="Main" className="hidden flex-wrap gap-1 xl:flex">
                {navFor(viewer)
                  .filter((item) => item.to !== "/account")
                  .map((item) => (
                    <NavLink
                      key={item.to}
                      to={item.to}
                      className={({ isActive }) =>
                        clsx(
                          "whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium",
                          isActive ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100",
                        )
                      }
                    >
                      {item.label}
                    </NavLink>
                  ))}
              </nav>
            ) : null}
          </div>
          {viewer ? (
            <div className="flex shrink-0 items-center gap-3 xl:gap-4">
              <ConnectionDot />
              <NotificationBell initial={unread} />
              <DropdownMenu.Root>
                <DropdownMenu.Trigger className="flex items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-slate-100">
                  {/* Named by its content, so that the name shown (when there is room) is part of it. */}
                  <span className="sr-only">Account menu: </span>
                  <span
                    aria-hidden
                    className="grid h-8 w-8 place-items-center rounded-full bg-brand-100 font-medium text-brand-900"
                  >
                    {viewer.user.name.slice(0, 1).toUpperCase()}
                  </span>
                  <span className="hidden max-w-48 text-left sm:block xl:hidden 2xl:block">
                    <span className="block truncate font-medium leading-tight">{viewer.user.name}</span>
                    <span className="block truncate text-xs leading-tight text-slate-500">
                      {roleLabels[viewer.role]} · {viewer.tenant.name}
                    </span>
                  </span>
                </DropdownMenu.Trigger>
                <DropdownMenu.Portal>
                  <DropdownMenu.Content
                    align="end"
                    sideOffset={6}
                    className="z-50 min-w-56 rounded-md bg-white p-1 text-sm shadow-lg ring-1 ring-slate-200"
                  >
                    <DropdownMenu.Label className="px-2 py-1.5 text-xs text-slate-500">
                      {viewer.user.email}
                    </DropdownMenu.Label>
                    {viewer.memberships.length > 1 ? (
                      <>
                        <DropdownMenu.Separator className="my-1 h-px bg-slate-100" />
                        <DropdownMenu.Label className="px-2 py-1 text-xs font-medium text-slate-500">
                          Switch organisation
                        </DropdownMenu.Label>
                        {viewer.memberships.map((m) => (
                          <DropdownMenu.Item
                            key={m.tenantSlug}
                            disabled={m.tenantSlug === viewer.tenant.slug}
                            onSelect={() =>
                              submit({ tenantSlug: m.tenantSlug }, { method: "post", action: "/switch-tenant" })
                            }
                            className="cursor-pointer rounded px-2 py-1.5 outline-none data-[disabled]:opacity-50 data-[highlighted]:bg-slate-100"
                          >
                            {m.tenantName} <span className="text-slate-500">({roleLabels[m.role]})</span>
                          </DropdownMenu.Item>
                        ))}
                      </>
                    ) : null}
                    <DropdownMenu.Separator className="my-1 h-px bg-slate-100" />
                    <DropdownMenu.Item
                      asChild
                      className="cursor-pointer rounded px-2 py-1.5 outline-none data-[highlighted]:bg-slate-100"
                    >
                      <Link to="/account">Account and sessions</Link>
                    </DropdownMenu.Item>
                    <DropdownMenu.Item
                      onSelect={() => submit(null, { method: "post", action: "/logout" })}
                      className="cursor-pointer rounded px-2 py-1.5 text-red-700 outline-none data-[highlighted]:bg-red-50"
                    >
                      Log out
                    </DropdownMenu.Item>
                  </DropdownMenu.Content>
                </DropdownMenu.Portal>
              </DropdownMenu.Root>
              <button
                type="button"
                className="rounded-md p-2 text-slate-600 hover:bg-slate-100 xl:hidden"
                aria-expanded={menuOpen}
                aria-controls="mobile-nav"
                onClick={() => setMenuOpen((o) => !o)}
              >
                <span className="sr-only">Menu</span>
                <span aria-hidden>☰</span>
              </button>
            </div>
          ) : (
            <nav aria-label="Account" className="flex items-center gap-2 text-sm">
              <Link to="/login" className="rounded-md px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100">
                Log in
              </Link>
              <Link
                to="/signup"
                className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700"
              >
                Sign up
              </Link>
            </nav>
          )}
        </div>
        {viewer && menuOpen ? (
          <nav id="mobile-nav" aria-label="Main (mobile)" className="border-t border-slate-100 px-4 py-2 xl:hidden">
            {navFor(viewer).map((item) => (
              <NavLink
                key={item.to}
                to={item.to}
                onClick={() => setMenuOpen(false)}
                className="block rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
              >
                {item.label}
              </NavLink>
            ))}
            <Form method="post" action="/logout">
              <button className="block w-full rounded-md px-3 py-2 text-left text-sm font-medium text-red-700 hover:bg-red-50">
                Log out
              </button>
            </Form>
          </nav>
        ) : null}
      </header>
      {viewer ? (
        <>
          <TenantLiveRefresh />
          <WaveToasts />
        </>
      ) : null}
      <main id="main" className="mx-auto max-w-6xl px-4 py-8">
        {children}
      </main>
    </div>
  );
}
