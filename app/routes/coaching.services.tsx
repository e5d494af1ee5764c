import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CheckboxField,
  EmptyState,
  Field,
  PageHeader,
  SelectField,
  TextareaField,
} from "~/components/ui";
import { sessionTypeLabels } from "~/lib/coaching";
import { useResetOnSuccess } from "~/lib/forms";
import { formatMinor, parseMajorToMinor } from "~/lib/money";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Your services · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireViewer(context, request);
  try {
    const [services, tenant] = await Promise.all([api.offerings.mine(), api.tenant.current()]);
    return json({
      services,
      tenant: {
        currency: tenant.currency,
        minServicePriceMinor: tenant.minServicePriceMinor,
        premium: tenant.featurePremiumCoachServices,
      },
    });
  } catch (error) {
    throw errorResponse(error);
  }
}

type Result = {
  ok: boolean;
  message: string;
  fieldErrors: Record<string, string[]>;
  serviceId?: string;
  created?: boolean;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    if (f.intent === "archive" || f.intent === "restore") {
      await api.offerings.setArchived({ serviceId: f.serviceId ?? "", archived: f.intent === "archive" });
      return json<Result>({
        ok: true,
        message: f.intent === "archive" ? "Service archived." : "Service offered again.",
        fieldErrors: {},
      });
    }
    const priceMinor = parseMajorToMinor(f.price ?? "");
    const duration = /^\d+$/.test(f.durationMinutes ?? "") ? Number(f.durationMinutes) : null;
    if (priceMinor === null || duration === null) {
      const fieldErrors: Record<string, string[]> = {};
      if (priceMinor === null) fieldErrors.priceMinor = ["Enter a price such as 60 or 59.50."];
      if (duration === null) fieldErrors.durationMinutes = ["Enter whole minutes."];
      return json<Result>(
        { ok: false, message: "Please correct the highlighted fields.", fieldErrors, serviceId: f.serviceId },
        { status: 400 },
      );
    }
    const input = {
      name: f.name ?? "",
      description: f.description ?? "",
      priceMinor,
      durationMinutes: duration,
      delivery: (f.sessionType === "IN_PERSON" ? "IN_PERSON" : "ONLINE") as "ONLINE" | "IN_PERSON",
      sessionType: (f.sessionType ?? "VIDEO") as "VIDEO" | "PHONE" | "CHAT" | "IN_PERSON",
      premiumOnly: f.premiumOnly === "on",
    };
    if (f.serviceId) await api.offerings.update({ ...input, serviceId: f.serviceId });
    else await api.offerings.create(input);
    return json<Result>({
      ok: true,
      message: f.serviceId ? "Service updated." : "Service created.",
      fieldErrors: {},
      created: !f.serviceId,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json<Result>(
      {
        ok: false,
        message: body.ok ? "" : body.message,
        fieldErrors: body.ok ? {} : body.fieldErrors,
        serviceId: f.serviceId,
      },
      { status },
    );
  }
}

function ServiceForm({
  service,
  currency,
  premium,
  result,
}: {
  service?: {
    id: string;
    name: string;
    description: string;
    priceMinor: number;
    durationMinutes: number;
    sessionType: string;
    premiumOnly: boolean;
  };
  currency: string;
  premium: boolean;
  result?: Result;
}) {
  const navigation = useNavigation();
  const busy =
    navigation.state === "submitting" && (navigation.formData?.get("serviceId") ?? "") === (service?.id ?? "");
  const mine = result && (result.serviceId ?? "") === (service?.id ?? "");
  const errors = mine && !result.ok ? result.fieldErrors : {};
  // The new-service form is emptied once the service exists (so a second click does not make a copy).
  const formRef = useResetOnSuccess(!service && result?.created ? result : undefined);
  return (
    <Form ref={formRef} method="post" className="grid gap-3 sm:grid-cols-2" noValidate>
      {service ? <input type="hidden" name="serviceId" value={service.id} /> : null}
      {mine && !result.ok ? (
        <div className="sm:col-span-2">
          <Alert>{result.message}</Alert>
        </div>
      ) : null}
      <Field label="Name" name="name" defaultValue={service?.name} errors={errors.name} required />
      <Field
        label={`Price (${currency})`}
        name="price"
        inputMode="decimal"
        defaultValue={service ? (service.priceMinor / 100).toFixed(2) : ""}
        errors={errors.priceMinor}
        required
      />
      <Field
        label="Duration (minutes)"
        name="durationMinutes"
        inputMode="numeric"
        defaultValue={service?.durationMinutes.toString() ?? "60"}
        errors={errors.durationMinutes}
        required
      />
      <SelectField
        label="Session type"
        name="sessionType"
        defaultValue={service?.sessionType ?? "VIDEO"}
        errors={errors.sessionType}
      >
        {Object.entries(sessionTypeLabels).map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </SelectField>
      <TextareaField
        label="Description"
        name="description"
        rows={2}
        defaultValue={service?.description}
        errors={errors.description}
        wrapperClassName="sm:col-span-2"
      />
      {premium ? (
        <CheckboxField label="Premium clients only" name="premiumOnly" defaultChecked={service?.premiumOnly} />
      ) : null}
      {errors.premiumOnly ? <p className="text-sm text-red-700">{errors.premiumOnly.join(" ")}</p> : null}
      <div className="sm:col-span-2">
        <Button type="submit" busy={busy}>
          {service ? "Save changes" : "Create service"}
        </Button>
      </div>
    </Form>
  );
}

export default function Services() {
  const { services, tenant } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [editing, setEditing] = useState<string | null>(null);
  // A saved edit closes its form.
  useEffect(() => {
    if (result?.ok) setEditing(null);
  }, [result]);
  return (
    <div>
      <PageHeader
        title="Your services"
        description={
          <>
            {`What clients can book. Prices are in ${tenant.currency}; ${tenant.minServicePriceMinor > 0 ? `the minimum is ${formatMinor(tenant.minServicePriceMinor, tenant.currency)}` : "there is no minimum price"}. `}
            <Link className="text-brand-700 underline" to="/coaching/integrations">
              Connect Cal.com
            </Link>{" "}
            to get a matching Cal.com event type for each service.{" "}
            <Link className="text-brand-700 underline" to="/coaching/packages">
              Packages
            </Link>{" "}
            sell several sessions of a service at once.
          </>
        }
      />
      {result?.ok ? (
        <div className="mb-4">
          <Alert tone="success">{result.message}</Alert>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Services">
          {services.length === 0 ? (
            <EmptyState title="No services yet">Create your first service so clients can book you.</EmptyState>
          ) : (
            <ul aria-label="Services" className="divide-y divide-slate-100">
              {services.map((s) => (
                <li key={s.id} aria-label={s.name} className="py-3">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <p className="text-sm">
                      <span className="font-medium">{s.name}</span> · {formatMinor(s.priceMinor, s.currency)} ·{" "}
                      {s.durationMinutes} min · {sessionTypeLabels[s.sessionType]}{" "}
                      {s.premiumOnly ? <Badge tone="amber">Premium</Badge> : null}{" "}
                      {s.status === "ARCHIVED" ? <Badge>Archived</Badge> : null}{" "}
                      {s.calcomEventTypeId !== null ? <Badge tone="green">In Cal.com</Badge> : null}
                    </p>
                    <div className="flex gap-2">
                      <Button
                        variant="ghost"
                        onClick={() => setEditing(editing === s.id ? null : s.id)}
                        aria-expanded={editing === s.id}
                      >
                        Edit
                      </Button>
                      <Form method="post">
                        <input type="hidden" name="serviceId" value={s.id} />
                        <Button
                          variant="secondary"
                          name="intent"
                          value={s.status === "ARCHIVED" ? "restore" : "archive"}
                        >
                          {s.status === "ARCHIVED" ? "Offer again" : "Archive"}
                        </Button>
                      </Form>
                    </div>
                  </div>
                  {editing === s.id || (result && !result.ok && result.serviceId === s.id) ? (
                    <div className="mt-3">
                      <ServiceForm service={s} currency={tenant.currency} premium={tenant.premium} result={result} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="New service">
          <ServiceForm currency={tenant.currency} premium={tenant.premium} result={result} />
        </Card>
      </div>
    </div>
  );
}
