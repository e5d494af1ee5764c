import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CoachCard } from "~/components/coach-card";
import {
  Alert,
  Button,
  Card,
  CheckboxField,
  controlClass,
  EmptyState,
  Field,
  PageHeader,
  SelectField,
  Spinner,
} from "~/components/ui";
import { languageName, sessionTypeLabels, TOPIC_OPTIONS } from "~/lib/coaching";
import { parseMajorToMinor } from "~/lib/money";
import { formError, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Find a coach · Tandem" }];

const SORTS = { relevance: "Best match", rating: "Highest rated", price: "Lowest price" } as const;

/** The URL is the source of truth for the filters, so links can be shared and Back works. */
function queryFromUrl(params: URLSearchParams) {
  const text = (k: string) => params.get(k)?.trim() || undefined;
  const num = (k: string) => {
    const v = params.get(k);
    return v && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const money = (k: string) => {
    const v = params.get(k);
    return v ? (parseMajorToMinor(v) ?? undefined) : undefined;
  };
  const sort = params.get("sort");
  const topic = params.get("topic");
  const type = params.get("type");
  return {
    q: text("q"),
    specialty: text("specialty"),
    topic: TOPIC_OPTIONS.includes(topic as (typeof TOPIC_OPTIONS)[number])
      ? (topic as (typeof TOPIC_OPTIONS)[number])
      : undefined,
    sessionType: type && type in sessionTypeLabels ? (type as "VIDEO" | "PHONE" | "CHAT" | "IN_PERSON") : undefined,
    minPriceMinor: money("min"),
    maxPriceMinor: money("max"),
    language: text("lang"),
    minRating: num("rating"),
    location: text("location"),
    freeWithinDays: params.get("free") === "7" ? 7 : undefined,
    sort: sort && sort in SORTS ? (sort as keyof typeof SORTS) : undefined,
    page: num("page") ?? 1,
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request, { feature: "coaches" });
  const query = queryFromUrl(new URL(request.url).searchParams);
  const [featured, facets, tenant] = await Promise.all([
    api.directory.featured(),
    api.directory.facets(),
    api.tenant.current(),
  ]);
  try {
    return json({
      result: await api.directory.search(query),
      error: null,
      featured,
      facets,
      currency: tenant.currency,
      filtered: Object.entries(query).some(([k, v]) => k !== "page" && k !== "sort" && v !== undefined),
    });
  } catch (error) {
    const { body } = formError(error);
    return json({
      result: null,
      error: body.ok ? null : body,
      featured,
      facets,
      currency: tenant.currency,
      filtered: true,
    });
  }
}

export default function Directory() {
  const { result, error, featured, facets, currency, filtered } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const submit = useSubmit();
  const searching = useNavigation().state === "loading";
  // Back, Forward and links change the URL without remounting the form, so its controls (uncontrolled,
  // with defaultValue) are put back in step with the URL whenever it changes.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    for (const el of Array.from(formRef.current?.elements ?? [])) {
      if (el instanceof HTMLInputElement && el.type === "checkbox") el.checked = params.get(el.name) === el.value;
      else if ((el instanceof HTMLInputElement || el instanceof HTMLSelectElement) && el.name)
        el.value = params.get(el.name) ?? "";
    }
  }, [params]);
  // Only the filters in use go into the URL (short links to share); each search is a history entry, so
  // Back returns to the previous one. A new search starts on page 1.
  const search = (form: HTMLFormElement) => {
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === "string" && v.trim()) next.set(k, v.trim());
    submit(next, { method: "get", action: "/coaches" });
  };
  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next.toString()}`;
  };
  const input = controlClass(false, "mt-1");

  return (
    <div>
      <PageHeader title="Find a coach" description="Search by name, specialty or what you want to work on." />
      {featured.length && !filtered ? (
        <section aria-labelledby="featured" className="mb-8">
          <h2 id="featured" className="mb-3 text-lg font-semibold">
            Featured coaches
          </h2>
          <ul className="grid gap-4 md:grid-cols-2 lg:grid-cols-3">
            {featured.map((c) => (
              <CoachCard key={c.id} coach={c} currency={currency} />
            ))}
          </ul>
        </section>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-4">
        <Card title="Filters" className="lg:col-span-1">
          <Form
            ref={formRef}
            method="get"
            role="search"
            aria-label="Search coaches"
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              search(e.currentTarget);
            }}
            onChange={(e) => {
              // Choices apply at once; typed text applies on Enter or Search.
              if (
                e.target instanceof HTMLSelectElement ||
                (e.target instanceof HTMLInputElement && e.target.type === "checkbox")
              )
                search(e.currentTarget);
            }}
          >
            <Field
              label="Search"
              type="search"
              name="q"
              defaultValue={params.get("q") ?? ""}
              placeholder="e.g. burnout, sleep, Nadia"
            />
            <SelectField label="Specialty" name="specialty" defaultValue={params.get("specialty") ?? ""}>
              <option value="">Any</option>
              {facets.specialties.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </SelectField>
            <SelectField label="Topic" name="topic" defaultValue={params.get("topic") ?? ""}>
              <option value="">Any</option>
              {TOPIC_OPTIONS.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </SelectField>
            <SelectField label="Session type" name="type" defaultValue={params.get("type") ?? ""}>
              <option value="">Any</option>
              {Object.entries(sessionTypeLabels).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </SelectField>
            <fieldset className="grid grid-cols-2 gap-2">
              <legend className="text-sm font-medium text-slate-700">Price ({currency})</legend>
              <label className="text-xs text-slate-600">
                From
                <input name="min" inputMode="decimal" defaultValue={params.get("min") ?? ""} className={input} />
              </label>
              <label className="text-xs text-slate-600">
                To
                <input name="max" inputMode="decimal" defaultValue={params.get("max") ?? ""} className={input} />
              </label>
            </fieldset>
            <SelectField label="Language" name="lang" defaultValue={params.get("lang") ?? ""}>
              <option value="">Any</option>
              {facets.languages.map((l) => (
                <option key={l} value={l}>
                  {languageName(l)}
                </option>
              ))}
            </SelectField>
            <SelectField label="Minimum rating" name="rating" defaultValue={params.get("rating") ?? ""}>
              <option value="">Any</option>
              {[4, 3, 2].map((r) => (
                <option key={r} value={r}>
                  {r}★ and up
                </option>
              ))}
            </SelectField>
            <CheckboxField
              label="Free in the next 7 days"
              name="free"
              value="7"
              defaultChecked={params.get("free") === "7"}
              wrapperClassName="font-medium text-slate-700"
            />
            <Field
              label="Meets in person near"
              name="location"
              defaultValue={params.get("location") ?? ""}
              placeholder="City"
            />
            <SelectField label="Sort by" name="sort" defaultValue={params.get("sort") ?? ""}>
              <option value="">Best match</option>
              <option value="rating">{SORTS.rating}</option>
              <option value="price">{SORTS.price}</option>
            </SelectField>
            <div className="flex gap-2">
              <Button type="submit">Search</Button>
              <Link
                to="/coaches"
                className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
              >
                Clear
              </Link>
            </div>
          </Form>
        </Card>
        <section aria-labelledby="results" className="lg:col-span-3" aria-busy={searching}>
          <div className="mb-3 flex items-center justify-between">
            <h2 id="results" className="text-lg font-semibold">
              {result ? `${result.total} coach${result.total === 1 ? "" : "es"}` : "Results"}
            </h2>
            {searching ? <Spinner label="Searching…" /> : null}
          </div>
          {error ? <Alert>{Object.values(error.fieldErrors).flat().join(" ") || error.message}</Alert> : null}
          {result && result.results.length === 0 ? (
            filtered ? (
              <EmptyState title="No coaches match these filters">
                Try fewer filters or another word, or{" "}
                <Link to="/coaches" className="font-medium text-brand-700 underline">
                  see every coach
                </Link>
                .
              </EmptyState>
            ) : (
              <EmptyState title="No coaches are listed yet">
                Coaches appear here once your organisation has approved them.
              </EmptyState>
            )
          ) : null}
          {result ? (
            <ul aria-label="Coaches" className="space-y-3">
              {result.results.map((c) => (
                <CoachCard key={c.id} coach={c} currency={currency} />
              ))}
            </ul>
          ) : null}
          {result && result.pages > 1 ? (
            <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
              {result.page > 1 ? (
                <Link to={pageLink(result.page - 1)} className="font-medium text-brand-700 underline">
                  Previous
                </Link>
              ) : (
                <span />
              )}
              <span>
                Page {result.page} of {result.pages}
              </span>
              {result.page < result.pages ? (
                <Link to={pageLink(result.page + 1)} className="font-medium text-brand-700 underline">
                  Next
                </Link>
              ) : (
                <span />
              )}
            </nav>
          ) : null}
        </section>
      </div>
    </div>
  );
}
