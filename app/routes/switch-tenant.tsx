import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { formError, formFields, requireViewer } from "~/lib/viewer.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const { tenantSlug } = await formFields(request);
  try {
    await api.auth.switchTenant({ tenantSlug: tenantSlug ?? "" });
  } catch (error) {
    const { status, body } = formError(error);
    throw new Response(body.ok ? "" : body.message, { status });
  }
  return redirect("/dashboard");
}

export const loader = () => redirect("/dashboard");
