/**
 * When a coach's connected account is next paid out, as a calendar date (YYYY-MM-DD, UTC):
 * DAILY is the next day; MONTHLY is the next anchor day after today, on the last day of months
 * shorter than the anchor (as Stripe does). Bank arrival can take longer; this is the payout date.
 */
export function nextPayoutDate(schedule: "DAILY" | "MONTHLY", anchor: number, now: Date): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  if (schedule === "DAILY") return new Date(Date.UTC(y, m, d + 1)).toISOString().slice(0, 10);
  const dayIn = (year: number, month: number) => Math.min(anchor, new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
  const thisMonth = dayIn(y, m);
  const date = thisMonth > d ? new Date(Date.UTC(y, m, thisMonth)) : new Date(Date.UTC(y, m + 1, dayIn(y, m + 1)));
  return date.toISOString().slice(0, 10);
}
