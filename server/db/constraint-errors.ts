/**
 * One reader for PostgreSQL constraint violations, whatever carried them (ADR 017): a raw `pg`
 * error (`code`, `constraint`), Prisma's known request error (P2002 / P2003 / P2004 with
 * `meta.target`), or the driver adapter's error that Prisma 7 puts under
 * `meta.driverAdapterError.cause` or `cause` (`originalCode`, `kind`, `constraint.index`). Services
 * ask `constraintOf(error)` instead of matching codes or messages themselves.
 */
export type ConstraintKind = "unique" | "exclusion" | "foreign-key" | "check";

export interface ConstraintViolation {
  kind: ConstraintKind;
  /** The constraint's (or unique index's) name when the error says it; null when it does not. */
  constraint: string | null;
}

const BY_SQLSTATE: Record<string, ConstraintKind> = {
  "23505": "unique",
  "23P01": "exclusion",
  "23503": "foreign-key",
  "23514": "check",
};
const BY_PRISMA_CODE: Record<string, ConstraintKind> = { P2002: "unique", P2003: "foreign-key", P2004: "check" };
const BY_ADAPTER_KIND: Record<string, ConstraintKind> = {
  UniqueConstraintViolation: "unique",
  ForeignKeyConstraintViolation: "foreign-key",
};

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null;
const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);

/** The error and everything it wraps (cause chains, Prisma's meta, the adapter's error), at most a few levels deep. */
function layers(error: unknown): Node[] {
  const out: Node[] = [];
  const queue: unknown[] = [error];
  while (queue.length && out.length < 12) {
    const next = queue.shift();
    if (!isNode(next) || out.includes(next)) continue;
    out.push(next);
    queue.push(next.cause, next.meta, next.driverAdapterError);
  }
  return out;
}

function nameIn(node: Node): string | null {
  const c = node.constraint;
  if (str(c)) return c as string;
  if (isNode(c) && str(c.index)) return c.index as string;
  const target = node.target;
  if (str(target)) return target as string;
  const message = str(node.message) ?? str(node.originalMessage);
  return message?.match(/constraint "([^"]+)"/)?.[1] ?? null;
}

/** The constraint violation that caused this error, or null when it is not one. */
export function constraintOf(error: unknown): ConstraintViolation | null {
  const nodes = layers(error);
  let kind: ConstraintKind | null = null;
  for (const n of nodes) {
    kind =
      BY_SQLSTATE[str(n.code) ?? ""] ??
      BY_SQLSTATE[str(n.originalCode) ?? ""] ??
      BY_ADAPTER_KIND[str(n.kind) ?? ""] ??
      BY_PRISMA_CODE[str(n.code) ?? ""] ??
      null;
    if (kind) break;
  }
  if (!kind) {
    // Last resort: errors that only say it in their message (a raw query's wrapped failure).
    const message = nodes.map((n) => str(n.message) ?? "").join("\n");
    const code = message.match(/\b(23505|23P01|23503|23514)\b/)?.[1];
    if (code) kind = BY_SQLSTATE[code]!;
    else if (/violates exclusion constraint/i.test(message)) kind = "exclusion";
    else if (/unique constraint/i.test(message)) kind = "unique";
    else if (/violates foreign key constraint/i.test(message)) kind = "foreign-key";
    else if (/violates check constraint/i.test(message)) kind = "check";
  }
  if (!kind) return null;
  let constraint: string | null = null;
  for (const n of nodes) if ((constraint = nameIn(n))) break;
  return { kind, constraint };
}

/** A unique violation (of `constraint`, when given). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const v = constraintOf(error);
  return v?.kind === "unique" && (constraint === undefined || v.constraint === constraint);
}

/** An exclusion-constraint violation (of `constraint`, when given). */
export function isExclusionViolation(error: unknown, constraint?: string): boolean {
  const v = constraintOf(error);
  return v?.kind === "exclusion" && (constraint === undefined || v.constraint === constraint);
}
