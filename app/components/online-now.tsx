import { useState } from "react";
import { Badge, Button, Card, EmptyState, Spinner } from "~/components/ui";
import { roleLabels } from "~/lib/format";
import { useRealtime, useTenantPresence } from "~/lib/realtime";

/** Live list of people of this organisation with Tandem open, with a friendly wave. */
export function OnlineNow({ tenantId, selfId }: { tenantId: string; selfId: string }) {
  const { members, status } = useTenantPresence(tenantId);
  const { socket } = useRealtime();
  const [notice, setNotice] = useState<string | null>(null);
  const others = members?.filter((m) => m.userId !== selfId) ?? [];

  const wave = (toUserId: string, name: string) =>
    socket?.emit("presence:wave", { room: { kind: "tenant", id: tenantId }, toUserId }, (res) =>
      setNotice(res.ok ? `You waved at ${name}.` : res.error.message),
    );

  return (
    <Card
      title="Online now"
      description="People in your organisation with Tandem open."
      actions={
        <Badge tone={status === "connected" ? "green" : "amber"}>
          {status === "connected" ? "Live" : status === "connecting" ? "Connecting" : "Offline"}
        </Badge>
      }
    >
      {members === null ? (
        <Spinner label="Looking for who is online…" />
      ) : others.length === 0 ? (
        <EmptyState title="Nobody else is online right now">
          This list updates by itself when someone opens Tandem.
        </EmptyState>
      ) : (
        <ul aria-label="Online now" className="divide-y divide-slate-100">
          {others.map((m) => (
            <li key={m.userId} className="flex items-center justify-between gap-3 py-2">
              <span className="flex items-center gap-2">
                <span aria-hidden className="h-2 w-2 rounded-full bg-emerald-500" />
                <span className="text-sm font-medium">{m.name}</span>
                <span className="text-xs text-slate-500">{roleLabels[m.role] ?? m.role}</span>
              </span>
              <Button variant="ghost" onClick={() => wave(m.userId, m.name)} aria-label={`Wave at ${m.name}`}>
                👋 Wave
              </Button>
            </li>
          ))}
        </ul>
      )}
      {notice ? (
        <p role="status" className="mt-3 text-sm text-slate-600">
          {notice}
        </p>
      ) : null}
    </Card>
  );
}
