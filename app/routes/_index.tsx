import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { callerFor } from "~/lib/viewer.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { viewer } = await callerFor(context, request);
  if (viewer) throw redirect("/dashboard");
  return null;
}

export default function Landing() {
  return (
    <div className="mx-auto max-w-3xl py-12 text-center">
      <h1 className="text-4xl font-semibold tracking-tight text-slate-900 sm:text-5xl">
        Coaching that meets you where you are
      </h1>
      <p className="mt-4 text-lg text-slate-600">
        Tandem is a coaching workspace: clients find a coach and meet live by video, phone or chat; coaches run their
        practice; organisations run their own coaching offer.
      </p>
      <div className="mt-8 flex justify-center gap-3">
        <Link
          to="/signup"
          className="rounded-md bg-brand-600 px-4 py-2.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
        >
          Create an account
        </Link>
        <Link
          to="/login"
          className="rounded-md bg-white px-4 py-2.5 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
        >
          Log in
        </Link>
      </div>
    </div>
  );
}
