/** Texts for people (notifications, mail, messages), shared by the services. */

/** "Monday 1 June 2026 at 10:50 (Europe/Amsterdam)": a moment as this person reads it. */
export const inZone = (d: Date, timeZone: string) =>
  `${new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone }).format(d)} (${timeZone})`;

/** "50.00 EUR": an amount in minor units with its currency. */
export const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
