import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Alert, Badge, Button, Card, EmptyState, Field, PageHeader, SelectField, TextareaField } from "~/components/ui";
import { useResetOnSuccess } from "~/lib/forms";
import { formatMinor, parseMajorToMinor } from "~/lib/money";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Your packages · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request);
  try {
    const [packages, services, tenant] = await Promise.all([
      api.packages.mine(),
      api.offerings.mine(),
      api.tenant.current(),
    ]);
    return json({
      packages,
      services: services
        .filter((s) => s.status === "ACTIVE")
        .map((s) => ({ id: s.id, name: s.name, priceMinor: s.priceMinor, currency: s.currency })),
      tenant: { currency: tenant.currency, minServicePriceMinor: tenant.minServicePriceMinor },
    });
  } catch (error) {
    throw errorResponse(error);
  }
}

type Result = {
  ok: boolean;
  message: string;
  fieldErrors: Record<string, string[]>;
  packageId?: string;
  created?: boolean;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    if (f.intent === "archive" || f.intent === "restore") {
      await api.packages.setArchived({ packageId: f.packageId ?? "", archived: f.intent === "archive" });
      return json<Result>({
        ok: true,
        message:
          f.intent === "archive"
            ? "Package archived: no longer on sale. Credits already bought stay usable."
            : "Package on sale again.",
        fieldErrors: {},
      });
    }
    const priceMinor = parseMajorToMinor(f.price ?? "");
    const sessionCount = /^\d+$/.test(f.sessionCount ?? "") ? Number(f.sessionCount) : null;
    if (priceMinor === null || sessionCount === null) {
      const fieldErrors: Record<string, string[]> = {};
      if (priceMinor === null) fieldErrors.priceMinor = ["Enter a price such as 150 or 149.50."];
      if (sessionCount === null) fieldErrors.sessionCount = ["Enter a whole number of sessions."];
      return json<Result>(
        { ok: false, message: "Please correct the highlighted fields.", fieldErrors, packageId: f.packageId },
        { status: 400 },
      );
    }
    const input = {
      serviceId: f.serviceId ?? "",
      name: f.name ?? "",
      description: f.description ?? "",
      sessionCount,
      priceMinor,
    };
    if (f.packageId) await api.packages.update({ ...input, packageId: f.packageId });
    else await api.packages.create(input);
    return json<Result>({
      ok: true,
      message: f.packageId
        ? "Package updated. Purchases made before keep their sessions and price."
        : "Package created: clients see it on your profile.",
      fieldErrors: {},
      created: !f.packageId,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json<Result>(
      {
        ok: false,
        message: body.ok ? "" : body.message,
        fieldErrors: body.ok ? {} : body.fieldErrors,
        packageId: f.packageId,
      },
      { status },
    );
  }
}

type Pkg = {
  id: string;
  serviceId: string;
  name: string;
  description: string;
  sessionCount: number;
  priceMinor: number;
};
type Svc = { id: string; name: string; priceMinor: number; currency: string };

function PackageForm({
  pkg,
  services,
  currency,
  result,
}: {
  pkg?: Pkg;
  services: Svc[];
  currency: string;
  result?: Result;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && (navigation.formData?.get("packageId") ?? "") === (pkg?.id ?? "");
  const mine = result && (result.packageId ?? "") === (pkg?.id ?? "");
  const errors = mine && !result.ok ? result.fieldErrors : {};
  const formRef = useResetOnSuccess(!pkg && result?.created ? result : undefined);
  const [serviceId, setServiceId] = useState(pkg?.serviceId ?? services[0]?.id ?? "");
  const [count, setCount] = useState(String(pkg?.sessionCount ?? 5));
  const [price, setPrice] = useState(pkg ? (pkg.priceMinor / 100).toFixed(2) : "");
  // A created package empties the new-package form (so a second click does not make a copy).
  useEffect(() => {
    if (!pkg && result?.ok && result.created) setPrice("");
  }, [pkg, result]);
  const service = services.find((s) => s.id === serviceId);
  const priceMinor = parseMajorToMinor(price);
  const single = service && /^\d+$/.test(count) ? Number(count) * service.priceMinor : null;
  const prefix = pkg ? `p-${pkg.id}` : "new";
  return (
    <Form ref={formRef} method="post" className="grid gap-3 sm:grid-cols-2" noValidate>
      {pkg ? <input type="hidden" name="packageId" value={pkg.id} /> : null}
      {mine && !result.ok ? (
        <div className="sm:col-span-2">
          <Alert>{result.message}</Alert>
        </div>
      ) : null}
      <SelectField
        label="Service"
        id={`${prefix}-service`}
        name="serviceId"
        value={serviceId}
        onChange={(e) => setServiceId(e.target.value)}
        errors={errors.serviceId}
        wrapperClassName="sm:col-span-2"
      >
        {services.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({formatMinor(s.priceMinor, s.currency)} a session)
          </option>
        ))}
      </SelectField>
      <Field label="Name" name="name" defaultValue={pkg?.name} errors={errors.name} required />
      <Field
        label="Sessions"
        name="sessionCount"
        inputMode="numeric"
        value={count}
        onChange={(e) => setCount(e.currentTarget.value)}
        errors={errors.sessionCount}
        required
      />
      <Field
        label={`Package price (${currency})`}
        name="price"
        inputMode="decimal"
        value={price}
        onChange={(e) => setPrice(e.currentTarget.value)}
        errors={errors.priceMinor}
        required
      />
      <p className="self-end text-sm text-slate-600" aria-live="polite">
        {single !== null && priceMinor !== null && service
          ? single > priceMinor
            ? `Clients save ${formatMinor(single - priceMinor, service.currency)} against ${formatMinor(single, service.currency)} one by one.`
            : `No saving against ${formatMinor(single, service.currency)} one by one.`
          : null}
      </p>
      <TextareaField
        label="Description"
        name="description"
        rows={2}
        defaultValue={pkg?.description}
        errors={errors.description}
        wrapperClassName="sm:col-span-2"
      />
      <div className="sm:col-span-2">
        <Button type="submit" busy={busy}>
          {pkg ? "Save changes" : "Create package"}
        </Button>
      </div>
    </Form>
  );
}

export default function Packages() {
  const { packages, services, tenant } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [editing, setEditing] = useState<string | null>(null);
  useEffect(() => {
    if (result?.ok) setEditing(null);
  }, [result]);
  return (
    <div>
      <PageHeader
        title="Your packages"
        description={
          <>
            Several sessions of one service for one price. Clients pay once and book with credits.{" "}
            <Link className="text-brand-700 underline" to="/coaching/services">
              Your services
            </Link>
          </>
        }
      />
      {result?.ok ? (
        <div className="mb-4">
          <Alert tone="success">{result.message}</Alert>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Packages">
          {packages.length === 0 ? (
            <EmptyState title="No packages yet">Create one so clients can buy several sessions at once.</EmptyState>
          ) : (
            <ul aria-label="Packages" className="divide-y divide-slate-100">
              {packages.map((p) => (
                <li key={p.id} aria-label={p.name} className="py-3">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <p className="text-sm">
                      <span className="font-medium">{p.name}</span> · {p.sessionCount} × {p.serviceName} ·{" "}
                      {formatMinor(p.priceMinor, p.currency)}{" "}
                      {p.savingMinor > 0 ? (
                        <Badge tone="green">Saves {formatMinor(p.savingMinor, p.currency)}</Badge>
                      ) : null}{" "}
                      {p.status === "ARCHIVED" ? <Badge>Archived</Badge> : null}
                    </p>
                    <div className="flex gap-2">
                      <Button
                        variant="ghost"
                        onClick={() => setEditing(editing === p.id ? null : p.id)}
                        aria-expanded={editing === p.id}
                      >
                        Edit
                      </Button>
                      <Form method="post">
                        <input type="hidden" name="packageId" value={p.id} />
                        <Button
                          variant="secondary"
                          name="intent"
                          value={p.status === "ARCHIVED" ? "restore" : "archive"}
                        >
                          {p.status === "ARCHIVED" ? "Sell again" : "Archive"}
                        </Button>
                      </Form>
                    </div>
                  </div>
                  {editing === p.id || (result && !result.ok && result.packageId === p.id) ? (
                    <div className="mt-3">
                      <PackageForm pkg={p} services={services} currency={tenant.currency} result={result} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card
          title="New package"
          description={
            tenant.minServicePriceMinor > 0
              ? `The minimum price is ${formatMinor(tenant.minServicePriceMinor, tenant.currency)}.`
              : undefined
          }
        >
          {services.length === 0 ? (
            <EmptyState title="No services to package">
              <Link className="underline" to="/coaching/services">
                Create a service
              </Link>{" "}
              first.
            </EmptyState>
          ) : (
            <PackageForm services={services} currency={tenant.currency} result={result} />
          )}
        </Card>
      </div>
    </div>
  );
}
