import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Alert, Button, Card, Field, PageHeader } from "~/components/ui";
import { Switch } from "~/components/ui/switch";
import { useResetOnSuccess } from "~/lib/forms";
import { trpc } from "~/lib/trpc";
import { formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Tenants · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  if (!viewer.memberships.some((m) => m.role === "SYSTEM_ADMIN"))
    throw new Response("Only system administrators can manage tenants.", { status: 403 });
  return json({ tenants: await api.admin.tenants() });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    const tenant = await api.admin.createTenant({ name: f.name ?? "", slug: f.slug ?? "" });
    return json({
      ok: true as const,
      message: `Created ${tenant.name}. Its members sign up at /signup?tenant=${tenant.slug}.`,
      fieldErrors: {} as Record<string, string[]>,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

function FlagSwitches({
  tenant,
}: {
  tenant: { id: string; name: string; featureCoaches: boolean; featurePremiumCoachServices: boolean };
}) {
  const { revalidate } = useRevalidator();
  const setFlags = trpc.admin.setTenantFlags.useMutation({ onSuccess: () => revalidate() });
  // Show the value being saved, and once saved keep showing it until the revalidated loader data
  // arrives (otherwise the switch flips back to the old value for a moment).
  const pending = setFlags.isPending || setFlags.isSuccess ? setFlags.variables : undefined;
  const { reset } = setFlags;
  useEffect(() => reset(), [reset, tenant.featureCoaches, tenant.featurePremiumCoachServices]);
  return (
    <div className="space-y-2">
      <Switch
        label="Coaches"
        checked={pending?.featureCoaches ?? tenant.featureCoaches}
        disabled={setFlags.isPending}
        onCheckedChange={(v) => setFlags.mutate({ tenantId: tenant.id, featureCoaches: v })}
      />
      <Switch
        label="Premium coach services"
        checked={pending?.featurePremiumCoachServices ?? tenant.featurePremiumCoachServices}
        disabled={setFlags.isPending}
        onCheckedChange={(v) => setFlags.mutate({ tenantId: tenant.id, featurePremiumCoachServices: v })}
      />
      {setFlags.error ? <Alert>{setFlags.error.message}</Alert> : null}
    </div>
  );
}

export default function Tenants() {
  const { tenants } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const formRef = useResetOnSuccess(result);
  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <div>
      <PageHeader title="Tenants" description="Organisations on this Tandem and the features each may use." />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          {tenants.map((t) => (
            <Card
              key={t.id}
              title={t.name}
              description={`${t.slug} · ${t.memberCount} member${t.memberCount === 1 ? "" : "s"} · fee ${(t.platformFeeBps / 100).toFixed(2)}% · ${t.currency}`}
            >
              <FlagSwitches tenant={t} />
            </Card>
          ))}
        </div>
        <Card title="New tenant">
          <Form ref={formRef} method="post" className="space-y-4" noValidate>
            {result?.ok ? <Alert tone="success">{result.message}</Alert> : null}
            {result && !result.ok ? <Alert>{result.message}</Alert> : null}
            <Field label="Name" name="name" required errors={errors.name} />
            <Field
              label="Address (slug)"
              name="slug"
              required
              errors={errors.slug}
              hint="Lowercase letters, digits and dashes, such as acme-coaching."
            />
            <Button type="submit" busy={busy}>
              Create tenant
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
