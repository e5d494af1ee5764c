import type { ChatMessage } from "@realtime/contracts.ts";

/** Adds messages to a list ordered by seq, keeping one copy of each seq (a message can arrive twice). */
export function mergeBySeq(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  let changed = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      changed = true;
    }
  }
  if (!changed) return current;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Where to resume after a reconnect: the highest seq up to which nothing is missing (seqs are
 * gapless per thread), so a message overtaken by a later one is asked for again.
 */
export function resumePoint(sorted: ChatMessage[]): number {
  if (sorted.length === 0) return 0;
  let point = sorted[0]!.seq;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.seq !== point + 1) break;
    point = sorted[i]!.seq;
  }
  return point;
}
