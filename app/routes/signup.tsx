import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Alert, Button, Card, Field } from "~/components/ui";
import { callerFor, formError, formFields } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Create an account · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { viewer, api } = await callerFor(context, request);
  if (viewer) throw redirect("/dashboard");
  const slug = new URL(request.url).searchParams.get("tenant") || context.tandem.env.DEFAULT_TENANT_SLUG;
  try {
    return json({ tenant: await api.tenant.publicInfo({ slug }) });
  } catch (error) {
    throw new Response(`No organisation called “${slug}” exists on this Tandem.`, { status: formError(error).status });
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  const { api, resHeaders } = await callerFor(context, request);
  try {
    await api.auth.signUp({
      name: fields.name ?? "",
      email: fields.email ?? "",
      password: fields.password ?? "",
      tenantSlug: fields.tenantSlug ?? "",
      timeZone: fields.timeZone || undefined,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json({ ...body, values: { name: fields.name ?? "", email: fields.email ?? "" } }, { status });
  }
  return redirect("/dashboard", { headers: resHeaders });
}

export default function SignUp() {
  const { tenant } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result && !result.ok ? result.fieldErrors : {};
  const values = result && "values" in result ? result.values : { name: "", email: "" };
  const [timeZone, setTimeZone] = useState("");
  useEffect(() => setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return (
    <div className="mx-auto max-w-sm">
      <Card titleAs="h1" title="Create your account" description={`You are joining ${tenant.name}.`}>
        <Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="tenantSlug" value={tenant.slug} />
          <input type="hidden" name="timeZone" value={timeZone} />
          {result && !result.ok ? <Alert>{result.message}</Alert> : null}
          <Field
            label="Your name"
            name="name"
            autoComplete="name"
            required
            defaultValue={values.name}
            errors={errors.name}
            autoFocus
          />
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={values.email}
            errors={errors.email}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            errors={errors.password}
            hint="At least 10 characters."
          />
          {errors.tenantSlug ? <Alert>{errors.tenantSlug.join(" ")}</Alert> : null}
          <Button type="submit" busy={busy} className="w-full">
            Create account
          </Button>
        </Form>
      </Card>
      <p className="mt-4 text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link to="/login" className="font-medium text-brand-700 underline">
          Log in
        </Link>
      </p>
    </div>
  );
}
