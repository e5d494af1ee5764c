import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { callerFor } from "~/lib/viewer.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const { api, resHeaders } = await callerFor(context, request);
  await api.auth.logOut();
  return redirect("/login?ended=logged-out", { headers: resHeaders });
}

export const loader = () => redirect("/");
