import { clsx } from "clsx";

/** Where the person is in a multi-step flow. */
export function Steps({ steps, current }: { steps: string[]; current: number }) {
  return (
    <ol aria-label="Progress" className="mb-6 flex flex-wrap gap-2 text-sm">
      {steps.map((label, i) => (
        <li
          key={label}
          aria-current={i === current ? "step" : undefined}
          className={clsx(
            "flex items-center gap-2 rounded-full px-3 py-1",
            i === current
              ? "bg-brand-600 text-white"
              : i < current
                ? "bg-brand-100 text-brand-900"
                : "bg-slate-100 text-slate-600",
          )}
        >
          <span aria-hidden>{i < current ? "✓" : i + 1}</span> {label}
        </li>
      ))}
    </ol>
  );
}

export const BOOKING_STEPS = ["Date and time", "Session details", "Payment", "Confirmation"];
