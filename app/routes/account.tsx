import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Alert, Badge, Button, Card, Field, PageHeader, SelectField, Spinner } from "~/components/ui";
import { describeUserAgent, formatDateTime } from "~/lib/format";
import { useResetOnSuccess } from "~/lib/forms";
import { trpc } from "~/lib/trpc";
import { formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Account · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  // Every IANA zone the server knows, plus the person's own (UTC is not in the list).
  const zones = [...new Set([viewer.user.timeZone, "UTC", ...Intl.supportedValuesOf("timeZone")])].sort();
  return json({
    user: viewer.user,
    zones,
    sessions: await api.auth.sessions(),
    policy: {
      idleMinutes: context.tandem.env.SESSION_IDLE_MINUTES,
      absoluteHours: context.tandem.env.SESSION_ABSOLUTE_HOURS,
    },
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const fields = await formFields(request);
  if (fields.intent === "timeZone") {
    try {
      const { timeZone } = await api.auth.setTimeZone({ timeZone: fields.timeZone ?? "" });
      return json({
        ok: true as const,
        intent: "timeZone",
        message: `Times are now shown in ${timeZone}.`,
        fieldErrors: {} as Record<string, string[]>,
      });
    } catch (error) {
      const { status, body } = formError(error);
      return json({ ...body, intent: "timeZone" }, { status });
    }
  }
  try {
    const { revoked } = await api.auth.changePassword({
      currentPassword: fields.currentPassword ?? "",
      newPassword: fields.newPassword ?? "",
    });
    return json({
      ok: true as const,
      intent: "password",
      message: `Password changed. ${revoked} other session${revoked === 1 ? " was" : "s were"} signed out.`,
      fieldErrors: {} as Record<string, string[]>,
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json({ ...body, intent: "password" }, { status });
  }
}

function TimeZone() {
  const { user, zones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "timeZone";
  const mine = result?.intent === "timeZone" ? result : undefined;
  // The device's zone is known only in the browser.
  const [device, setDevice] = useState<string | null>(null);
  useEffect(() => setDevice(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return (
    <Card title="Time zone" description={`Every time in Tandem is shown to you in ${user.timeZone}.`}>
      <Form method="post" className="space-y-4">
        <input type="hidden" name="intent" value="timeZone" />
        {mine?.ok ? <Alert tone="success">{mine.message}</Alert> : null}
        {mine && !mine.ok ? <Alert>{mine.fieldErrors?.timeZone?.[0] ?? mine.message}</Alert> : null}
        <SelectField
          label="Your time zone"
          id="timeZone"
          name="timeZone"
          defaultValue={user.timeZone}
          key={user.timeZone}
        >
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll("_", " ")}
            </option>
          ))}
        </SelectField>
        <div className="flex flex-wrap gap-3">
          <Button type="submit" busy={busy}>
            Save time zone
          </Button>
          {device && device !== user.timeZone ? (
            <Button type="submit" variant="secondary" name="timeZone" value={device}>
              Use this device&apos;s zone ({device})
            </Button>
          ) : null}
        </div>
      </Form>
    </Card>
  );
}

function Sessions() {
  const data = useLoaderData<typeof loader>();
  const utils = trpc.useUtils();
  const sessions = trpc.auth.sessions.useQuery(undefined, {
    initialData: data.sessions,
  });
  const revoke = trpc.auth.revokeSession.useMutation({
    onSuccess: async (_r, { sessionId }) => {
      if (sessions.data?.find((s) => s.id === sessionId)?.current) window.location.assign("/login");
      else await utils.auth.sessions.invalidate();
    },
  });
  const tz = data.user.timeZone;
  return (
    <Card
      title="Where you are signed in"
      description={`Sessions end after ${data.policy.idleMinutes} minutes without activity or ${data.policy.absoluteHours} hours after sign-in, whichever is first. Times in ${tz}.`}
    >
      {revoke.error ? <Alert>{revoke.error.message}</Alert> : null}
      <ul aria-label="Sessions" className="divide-y divide-slate-100">
        {sessions.data?.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-session-id={s.id}>
            <div className="text-sm">
              <p className="font-medium">
                {describeUserAgent(s.userAgent)} {s.current ? <Badge tone="green">This browser</Badge> : null}
              </p>
              <p id={`session-${s.id}-details`} className="text-slate-500">
                {s.tenantName} · IP {s.ip ?? "unknown"} · signed in {formatDateTime(s.createdAt, tz)} · last active{" "}
                {formatDateTime(s.lastSeenAt, tz)}
              </p>
            </div>
            <Button
              variant="danger"
              aria-describedby={`session-${s.id}-details`}
              busy={revoke.isPending && revoke.variables?.sessionId === s.id}
              onClick={() => revoke.mutate({ sessionId: s.id })}
            >
              {s.current ? "Sign out here" : "Revoke"}
            </Button>
          </li>
        ))}
      </ul>
      {sessions.isFetching ? <Spinner label="Refreshing…" /> : null}
    </Card>
  );
}

export default function Account() {
  const { user } = useLoaderData<typeof loader>();
  const submitted = useActionData<typeof action>();
  const result = submitted?.intent === "password" ? submitted : undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") !== "timeZone";
  const formRef = useResetOnSuccess(result);
  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <div>
      <PageHeader title="Account" description={`${user.name} · ${user.email}`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Sessions />
        <TimeZone />
        <Card title="Change password" description="Changing your password signs out every other session.">
          <Form ref={formRef} method="post" className="space-y-4" noValidate>
            {result?.ok ? <Alert tone="success">{result.message}</Alert> : null}
            {result && !result.ok && !Object.keys(errors).length ? <Alert>{result.message}</Alert> : null}
            <Field
              label="Current password"
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              required
              errors={errors.currentPassword}
            />
            <Field
              label="New password"
              name="newPassword"
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              errors={errors.newPassword}
              hint="At least 10 characters."
            />
            <Button type="submit" busy={busy}>
              Change password
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
