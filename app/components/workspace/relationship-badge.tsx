import { Badge } from "~/components/ui";

const STATUS = { ACTIVE: ["green", "Active"], PAUSED: ["amber", "Paused"], ENDED: ["slate", "Ended"] } as const;

/** A coaching relationship's state, as the same badge on every page. */
export function RelationshipBadge({ status }: { status: keyof typeof STATUS }) {
  const [tone, label] = STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
}
