import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert, Button, Card, Field } from "~/components/ui";
import { callerFor, formError, formFields, safeRedirect } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Log in · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { viewer } = await callerFor(context, request);
  if (viewer) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  const { api, resHeaders } = await callerFor(context, request);
  try {
    await api.auth.logIn({
      email: fields.email ?? "",
      password: fields.password ?? "",
      tenantSlug: fields.tenantSlug || undefined,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json({ ...body, email: fields.email ?? "" }, { status });
  }
  return redirect(safeRedirect(fields.redirectTo), { headers: resHeaders });
}

const endedMessages: Record<string, string> = {
  "logged-out": "You have been logged out.",
  revoked: "This session was signed out from another browser.",
  "password-changed": "Your password was changed, so this session was signed out. Log in with the new password.",
  expired: "Your session has expired. Please log in again.",
};

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <div className="mx-auto max-w-sm">
      <Card titleAs="h1" title="Log in to Tandem">
        <Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
          {params.get("tenant") ? <input type="hidden" name="tenantSlug" value={params.get("tenant") ?? ""} /> : null}
          {!result && endedMessages[params.get("ended") ?? ""] ? (
            <Alert tone="info">{endedMessages[params.get("ended") ?? ""]}</Alert>
          ) : null}
          {result && !result.ok && !Object.keys(errors).length ? <Alert>{result.message}</Alert> : null}
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={result && "email" in result ? result.email : ""}
            errors={errors.email}
            autoFocus
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            errors={errors.password}
          />
          <Button type="submit" busy={busy} className="w-full">
            Log in
          </Button>
        </Form>
      </Card>
      <p className="mt-4 text-center text-sm text-slate-600">
        New here?{" "}
        <Link
          to={`/signup${params.get("tenant") ? `?tenant=${encodeURIComponent(params.get("tenant")!)}` : ""}`}
          className="font-medium text-brand-700 underline"
        >
          Create an account
        </Link>
      </p>
    </div>
  );
}
