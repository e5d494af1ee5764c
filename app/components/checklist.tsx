/** A list of criteria, each met or not, with the numbers behind it. */
export function Checklist({
  items,
  label,
}: {
  label: string;
  items: { key: string; label: string; met: boolean; actual: number; required: number }[];
}) {
  return (
    <ul aria-label={label} className="space-y-2">
      {items.map((i) => (
        <li key={i.key} className="flex items-start gap-2 text-sm" data-met={i.met}>
          <span aria-hidden className={i.met ? "text-emerald-600" : "text-slate-400"}>
            {i.met ? "✓" : "○"}
          </span>
          <span>
            {i.label}{" "}
            <span className="text-slate-500">
              ({i.met ? "met" : "not met"}: {i.actual} of {i.required})
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}
