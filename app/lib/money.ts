/**
 * Parses an amount typed in major units ("12", "12.5", "12.50") into integer minor units.
 * Returns null for anything else (no floats are trusted for money).
 */
export function parseMajorToMinor(input: string): number | null {
  const m = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(input);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

/** Parses a percentage with up to two decimals ("15", "12.5") into basis points. */
export function parsePercentToBps(input: string): number | null {
  const m = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*$/.exec(input);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

export const formatMinor = (minor: number, currency: string) =>
  new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(minor / 100);
