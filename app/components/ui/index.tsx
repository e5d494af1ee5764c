import { clsx } from "clsx";
import {
  forwardRef,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";

/** Tandem's small set of UI primitives (Tailwind), used by every page. */

type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";
const buttonStyles: Record<ButtonVariant, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-500/60",
  // Disabled looks disabled in every variant, not only the primary one.
  secondary:
    "bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:bg-slate-50 disabled:text-slate-400 disabled:ring-slate-200",
  danger:
    "bg-white text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 disabled:bg-slate-50 disabled:text-red-300 disabled:ring-red-100",
  ghost: "text-slate-700 hover:bg-slate-100 disabled:bg-transparent disabled:text-slate-400",
};

export const Button = forwardRef<
  HTMLButtonElement,
  ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; busy?: boolean }
>(function Button({ variant = "primary", busy, className, children, disabled, ...props }, ref) {
  return (
    <button
      ref={ref}
      className={clsx(
        "inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium shadow-sm transition disabled:cursor-not-allowed",
        buttonStyles[variant],
        className,
      )}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...props}
    >
      {busy ? <Spinner /> : null}
      {children}
    </button>
  );
});

export function Spinner({ label }: { label?: string }) {
  return (
    <span role={label ? "status" : undefined} className="inline-flex items-center gap-2">
      <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-current border-r-transparent" />
      {label ? <span>{label}</span> : null}
    </span>
  );
}

/** The look of a text input, select or textarea; red when invalid. For controls that are not a whole field. */
export function controlClass(invalid = false, className?: string) {
  return clsx(
    "block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset",
    invalid ? "ring-red-400 focus:ring-red-500" : "ring-slate-300 focus:ring-brand-500",
    className,
  );
}

/** What every field has around its control: a label, an optional hint and the errors of the last submit. */
interface FieldChrome {
  label: string;
  name: string;
  errors?: string[];
  hint?: ReactNode;
  /** Classes of the field's wrapper (grid placement). */
  wrapperClassName?: string;
}

/** Ids and ARIA wiring shared by the fields: the label points at the control, which points at hint and errors. */
function useFieldIds(givenId: string | undefined, errors: string[] | undefined, hint: ReactNode) {
  const generated = useId();
  const id = givenId ?? generated;
  const invalid = Boolean(errors?.length);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return {
    id,
    invalid,
    errorId,
    hintId,
    control: {
      id,
      "aria-invalid": invalid || undefined,
      "aria-describedby": clsx(invalid && errorId, hint && hintId) || undefined,
    },
  };
}

function FieldShell({
  ids,
  label,
  hint,
  errors,
  wrapperClassName,
  children,
}: {
  ids: ReturnType<typeof useFieldIds>;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  wrapperClassName?: string;
  children: ReactNode;
}) {
  return (
    <div className={clsx("space-y-1", wrapperClassName)}>
      <label htmlFor={ids.id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={ids.hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {ids.invalid ? (
        <p id={ids.errorId} className="text-sm text-red-700">
          {errors!.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

export function Field({
  label,
  name,
  errors,
  hint,
  wrapperClassName,
  id,
  className,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & FieldChrome) {
  const ids = useFieldIds(id, errors, hint);
  return (
    <FieldShell ids={ids} label={label} hint={hint} errors={errors} wrapperClassName={wrapperClassName}>
      <input name={name} {...ids.control} className={controlClass(ids.invalid, className)} {...props} />
    </FieldShell>
  );
}

/** A labelled `<select>`; pass the `<option>`s as children. */
export function SelectField({
  label,
  name,
  errors,
  hint,
  wrapperClassName,
  id,
  className,
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & FieldChrome) {
  const ids = useFieldIds(id, errors, hint);
  return (
    <FieldShell ids={ids} label={label} hint={hint} errors={errors} wrapperClassName={wrapperClassName}>
      <select name={name} {...ids.control} className={controlClass(ids.invalid, className)} {...props}>
        {children}
      </select>
    </FieldShell>
  );
}

/** A labelled `<textarea>`. */
export function TextareaField({
  label,
  name,
  errors,
  hint,
  wrapperClassName,
  id,
  className,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldChrome) {
  const ids = useFieldIds(id, errors, hint);
  return (
    <FieldShell ids={ids} label={label} hint={hint} errors={errors} wrapperClassName={wrapperClassName}>
      <textarea name={name} {...ids.control} className={controlClass(ids.invalid, className)} {...props} />
    </FieldShell>
  );
}

/** A checkbox with its label beside it (the label wraps the box, so clicking the words ticks it). */
export function CheckboxField({
  label,
  wrapperClassName,
  ...props
}: Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { label: ReactNode; wrapperClassName?: string }) {
  return (
    <label className={clsx("flex items-center gap-2 text-sm", wrapperClassName)}>
      <input type="checkbox" {...props} /> {label}
    </label>
  );
}

/**
 * A titled section of a page; its title names it (a labelled region for assistive technology).
 * `titleAs="h1"` when the card is the whole page (log in, sign up), so that the page has its h1.
 */
export function Card({
  title,
  titleAs: Title = "h2",
  description,
  actions,
  children,
  className,
}: {
  title?: ReactNode;
  titleAs?: "h1" | "h2";
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  className?: string;
}) {
  const titleId = useId();
  return (
    <section
      aria-labelledby={title ? titleId : undefined}
      className={clsx("rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200", className)}
    >
      {title || actions ? (
        // The actions (a badge, a link) keep their size and move below the title when there is no room.
        <header className="mb-4 flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
          <div className="min-w-0 flex-1 basis-40">
            {title ? (
              <Title id={titleId} className="text-base font-semibold text-slate-900">
                {title}
              </Title>
            ) : null}
            {description ? <p className="mt-1 text-sm text-slate-500">{description}</p> : null}
          </div>
          {actions ? <div className="shrink-0">{actions}</div> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function Alert({ tone = "error", children }: { tone?: "error" | "success" | "info"; children: ReactNode }) {
  const styles = {
    error: "bg-red-50 text-red-800 ring-red-200",
    success: "bg-emerald-50 text-emerald-800 ring-emerald-200",
    info: "bg-brand-50 text-brand-900 ring-brand-100",
  }[tone];
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={clsx("rounded-md px-4 py-3 text-sm ring-1 ring-inset", styles)}
    >
      {children}
    </div>
  );
}

export function Badge({
  children,
  tone = "slate",
}: {
  children: ReactNode;
  tone?: "slate" | "green" | "brand" | "amber";
}) {
  const styles = {
    slate: "bg-slate-100 text-slate-700",
    green: "bg-emerald-100 text-emerald-800",
    brand: "bg-brand-100 text-brand-900",
    amber: "bg-amber-100 text-amber-900",
  }[tone];
  return (
    <span className={clsx("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium", styles)}>
      {children}
    </span>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center">
      <p className="text-sm font-medium text-slate-700">{title}</p>
      {children ? <div className="mt-1 text-sm text-slate-500">{children}</div> : null}
    </div>
  );
}

export function PageHeader({ title, description }: { title: string; description?: ReactNode }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
    </div>
  );
}
