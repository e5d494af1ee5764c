import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert, Badge, Button, Card, EmptyState, Field, PageHeader } from "~/components/ui";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Integrations · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  try {
    const status = await api.calcom.status();
    const origin = context.tandem.env.APP_ORIGIN ?? new URL(request.url).origin;
    return json({ ...status, webhookUrl: `${origin}${status.webhookPath}`, timeZone: viewer.user.timeZone });
  } catch (error) {
    throw errorResponse(error);
  }
}

type Result = { ok: boolean; message: string; fieldErrors: Record<string, string[]> };

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  try {
    if (f.intent === "disconnect") {
      await api.calcom.disconnect();
      return json<Result>({
        ok: true,
        message: "Cal.com is disconnected. Your API key was deleted from Tandem.",
        fieldErrors: {},
      });
    }
    const connected = await api.calcom.connect({ apiKey: f.apiKey ?? "" });
    return json<Result>({
      ok: true,
      message: `Cal.com is connected${connected.username ? ` as ${connected.username}` : ""}.`,
      fieldErrors: {},
    });
  } catch (error) {
    const { status, body } = formError(error);
    return json<Result>(
      { ok: false, message: body.ok ? "" : body.message, fieldErrors: body.ok ? {} : body.fieldErrors },
      { status },
    );
  }
}

function Copyable({ label, value }: { label: string; value: string }) {
  return (
    <div className="space-y-1">
      <p className="text-sm font-medium text-slate-700">{label}</p>
      <input
        readOnly
        aria-label={label}
        value={value}
        onFocus={(e) => e.currentTarget.select()}
        className="block w-full rounded-md border-0 bg-slate-50 px-3 py-2 font-mono text-xs text-slate-800 ring-1 ring-inset ring-slate-200"
      />
    </div>
  );
}

export default function Integrations() {
  const status = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const intent = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const errors = result && !result.ok ? result.fieldErrors : {};
  const connectedAt = status.connectedAt
    ? new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: status.timeZone }).format(
        new Date(status.connectedAt),
      )
    : null;
  return (
    <div>
      <PageHeader title="Integrations" description="Optional tools that work alongside your Tandem calendar." />
      {result ? (
        <div className="mb-4">
          <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card
          title="Cal.com"
          description="Connect your Cal.com account: each service you create gets a matching Cal.com event type, and cancellations, moves and meetings in Cal.com reach your Tandem sessions."
          actions={status.connected ? <Badge tone="green">Connected</Badge> : <Badge>Not connected</Badge>}
        >
          {status.connected ? (
            <div className="space-y-4">
              <p className="text-sm text-slate-700">
                Connected with the API key ending in <span className="font-mono font-medium">{status.keyHint}</span>
                {connectedAt ? ` since ${connectedAt} (${status.timeZone})` : ""}. The key is stored encrypted and is
                never shown again.
              </p>
              <Form method="post">
                <Button type="submit" variant="danger" name="intent" value="disconnect" busy={intent === "disconnect"}>
                  Disconnect Cal.com
                </Button>
              </Form>
              <p className="text-xs text-slate-500">
                Disconnecting deletes the key from Tandem. Event types already made stay in your Cal.com account.
              </p>
            </div>
          ) : (
            <Form method="post" className="space-y-3" noValidate>
              <input type="hidden" name="intent" value="connect" />
              <Field
                label="Cal.com API key"
                name="apiKey"
                type="password"
                autoComplete="off"
                spellCheck={false}
                required
                errors={errors.apiKey}
                hint="In Cal.com: Settings → Developer → API keys. Tandem checks the key with Cal.com before saving it."
              />
              <Button type="submit" busy={intent === "connect"}>
                Connect Cal.com
              </Button>
            </Form>
          )}
        </Card>

        <Card
          title="Cal.com webhook"
          description="So that Cal.com tells Tandem when a session is cancelled, moved, started or ended."
        >
          {status.webhookSecret ? (
            <div className="space-y-3">
              <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
                <li>In Cal.com, open Settings → Developer → Webhooks and add a new webhook.</li>
                <li>Paste the subscriber URL and the secret below.</li>
                <li>
                  Choose the triggers Booking created, Booking rescheduled, Booking cancelled, Meeting started and
                  Meeting ended.
                </li>
              </ol>
              <Copyable label="Subscriber URL" value={status.webhookUrl} />
              <Copyable label="Secret" value={status.webhookSecret} />
              <p className="text-xs text-slate-500">
                The URL and secret are yours alone: deliveries signed with them only change your own sessions.
              </p>
            </div>
          ) : (
            <Alert tone="info">
              Cal.com webhooks are not enabled on this site yet: whoever runs this Tandem server has to set
              CALCOM_WEBHOOK_SECRET in its configuration. Until then, changes made in Cal.com do not reach Tandem.
            </Alert>
          )}
        </Card>

        <Card
          title="Services in Cal.com"
          description="Each service and its Cal.com event type."
          className="lg:col-span-2"
        >
          {status.services.length === 0 ? (
            <EmptyState title="No services yet">
              <Link to="/coaching/services" className="text-brand-700 underline">
                Create a service
              </Link>{" "}
              and, while Cal.com is connected, its event type is made with it.
            </EmptyState>
          ) : (
            <ul aria-label="Services and Cal.com event types" className="divide-y divide-slate-100">
              {status.services.map((s) => (
                <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    <span className="font-medium">{s.name}</span>{" "}
                    {s.status === "ARCHIVED" ? <Badge>Archived</Badge> : null}
                  </span>
                  {s.calcomEventTypeId !== null ? (
                    <Badge tone="green">Cal.com event type {s.calcomEventTypeId}</Badge>
                  ) : (
                    <span className="text-slate-500">
                      {status.connected ? "Not in Cal.com yet: save the service once to create it." : "Not in Cal.com"}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
