import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Alert, Button, Card, EmptyState, Field, PageHeader } from "~/components/ui";
import { roleLabels } from "~/lib/format";
import { parseMajorToMinor, parsePercentToBps } from "~/lib/money";
import { formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Organisation · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  if (viewer.role !== "TENANT_ADMIN")
    throw new Response("Only organisation admins can manage the organisation.", { status: 403 });
  const [settings, members] = await Promise.all([api.tenant.current(), api.tenant.members()]);
  return json({ settings, members: members.members });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  if (f.intent === "payouts") {
    const anchor = /^\s*\d+\s*$/.test(f.payoutMonthlyAnchor ?? "") ? Number(f.payoutMonthlyAnchor) : null;
    if (f.payoutSchedule === "MONTHLY" && anchor === null)
      return json(
        {
          ok: false as const,
          intent: "payouts",
          message: "Please correct the highlighted fields.",
          fieldErrors: { payoutMonthlyAnchor: ["Enter a day from 1 to 31."] } as Record<string, string[]>,
        },
        { status: 400 },
      );
    try {
      await api.tenant.updatePayoutSchedule({
        payoutSchedule: f.payoutSchedule === "MONTHLY" ? "MONTHLY" : "DAILY",
        payoutMonthlyAnchor: anchor ?? 1,
      });
      return json({
        ok: true as const,
        intent: "payouts",
        message: "Payout schedule saved. Coaches' payout accounts are being updated.",
        fieldErrors: {} as Record<string, string[]>,
      });
    } catch (error) {
      const { status, body } = formError(error);
      return json({ ...body, intent: "payouts" }, { status });
    }
  }
  const platformFeeBps = parsePercentToBps(f.platformFeePercent ?? "");
  const minServicePriceMinor = parseMajorToMinor(f.minServicePrice ?? "");
  const whole = (v: string | undefined) => (/^\s*\d+\s*$/.test(v ?? "") ? Number(v) : null);
  const coachClientCapacity = whole(f.coachClientCapacity);
  const eligibilityMinExercises = whole(f.eligibilityMinExercises);
  const eligibilityMinJournalDays = whole(f.eligibilityMinJournalDays);
  // Empty: journal days count whenever they were written.
  const windowText = (f.eligibilityJournalWindowDays ?? "").trim();
  const eligibilityJournalWindowDays = windowText === "" ? null : whole(windowText);
  const local: Record<string, string[]> = {};
  if (platformFeeBps === null) local.platformFeeBps = ["Enter a percentage such as 15 or 12.5."];
  if (minServicePriceMinor === null) local.minServicePriceMinor = ["Enter an amount such as 25 or 25.50."];
  if (coachClientCapacity === null) local.coachClientCapacity = ["Enter a whole number."];
  if (eligibilityMinExercises === null) local.eligibilityMinExercises = ["Enter a whole number."];
  if (eligibilityMinJournalDays === null) local.eligibilityMinJournalDays = ["Enter a whole number."];
  if (windowText !== "" && eligibilityJournalWindowDays === null)
    local.eligibilityJournalWindowDays = ["Enter a whole number of days, or leave it empty for any time."];
  if (Object.keys(local).length)
    return json(
      { ok: false as const, message: "Please correct the highlighted fields.", fieldErrors: local },
      { status: 400 },
    );
  try {
    await api.tenant.updateSettings({
      name: f.name ?? "",
      currency: f.currency ?? "",
      platformFeeBps: platformFeeBps!,
      minServicePriceMinor: minServicePriceMinor!,
      coachClientCapacity: coachClientCapacity!,
      eligibilityMinExercises: eligibilityMinExercises!,
      eligibilityMinJournalDays: eligibilityMinJournalDays!,
      eligibilityJournalWindowDays,
    });
    return json({ ok: true as const, message: "Settings saved.", fieldErrors: {} as Record<string, string[]> });
  } catch (error) {
    const { status, body } = formError(error);
    return json(body, { status });
  }
}

function PayoutSchedule({
  settings,
  result,
}: {
  settings: { payoutSchedule: "DAILY" | "MONTHLY"; payoutMonthlyAnchor: number };
  result?: { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> };
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "payouts";
  const [schedule, setSchedule] = useState(settings.payoutSchedule);
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  return (
    <Card title="Coach payouts" description="How often coaches' earnings are paid out to their bank accounts.">
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="payouts" />
        {result ? <Alert tone={result.ok ? "success" : undefined}>{result.message}</Alert> : null}
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold text-slate-800">Schedule</legend>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="payoutSchedule"
              value="DAILY"
              checked={schedule === "DAILY"}
              onChange={() => setSchedule("DAILY")}
            />{" "}
            Daily (default)
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="payoutSchedule"
              value="MONTHLY"
              checked={schedule === "MONTHLY"}
              onChange={() => setSchedule("MONTHLY")}
            />{" "}
            Monthly
          </label>
        </fieldset>
        {schedule === "MONTHLY" ? (
          <Field
            label="Day of the month (1–31)"
            name="payoutMonthlyAnchor"
            inputMode="numeric"
            defaultValue={String(settings.payoutMonthlyAnchor)}
            errors={errors.payoutMonthlyAnchor}
            hint="Months without this day pay out on their last day."
          />
        ) : null}
        <Button type="submit" busy={busy}>
          Save payout schedule
        </Button>
      </Form>
    </Card>
  );
}

export default function Organisation() {
  const { settings, members } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  // The payout schedule form answers with its own intent; the settings form shows only its own result.
  const result = answer && !("intent" in answer) ? answer : undefined;
  const busy = useNavigation().state === "submitting";
  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <div>
      <PageHeader title="Organisation" description={`Settings for ${settings.name} (${settings.slug}).`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Settings" description="Fees and limits that apply to every coach in this organisation.">
          <Form method="post" className="space-y-4" noValidate>
            {result?.ok ? <Alert tone="success">{result.message}</Alert> : null}
            {result && !result.ok ? <Alert>{result.message}</Alert> : null}
            <Field label="Name" name="name" defaultValue={settings.name} required errors={errors.name} />
            <Field
              label="Platform fee (%)"
              name="platformFeePercent"
              inputMode="decimal"
              defaultValue={(settings.platformFeeBps / 100).toString()}
              errors={errors.platformFeeBps}
              hint="Taken from each booking; coaches receive the rest. Default 15%."
            />
            <Field
              label={`Minimum service price (${settings.currency})`}
              name="minServicePrice"
              inputMode="decimal"
              defaultValue={(settings.minServicePriceMinor / 100).toFixed(2)}
              errors={errors.minServicePriceMinor}
            />
            <Field
              label="Currency"
              name="currency"
              defaultValue={settings.currency}
              maxLength={3}
              errors={errors.currency}
              hint="Three-letter ISO code, such as EUR or GBP."
            />
            <Field
              label="Active clients per coach"
              name="coachClientCapacity"
              inputMode="numeric"
              defaultValue={String(settings.coachClientCapacity)}
              errors={errors.coachClientCapacity}
            />
            <fieldset className="space-y-3">
              <legend className="text-sm font-semibold text-slate-800">Who may apply to coach</legend>
              <Field
                label="Completed exercises at least"
                name="eligibilityMinExercises"
                inputMode="numeric"
                defaultValue={String(settings.eligibilityMinExercises)}
                errors={errors.eligibilityMinExercises}
              />
              <Field
                label="Days of journaling at least"
                name="eligibilityMinJournalDays"
                inputMode="numeric"
                defaultValue={String(settings.eligibilityMinJournalDays)}
                errors={errors.eligibilityMinJournalDays}
              />
              <Field
                label="…within the last (days)"
                name="eligibilityJournalWindowDays"
                inputMode="numeric"
                hint="Leave empty to count journal days whenever they were written."
                defaultValue={
                  settings.eligibilityJournalWindowDays === null ? "" : String(settings.eligibilityJournalWindowDays)
                }
                errors={errors.eligibilityJournalWindowDays}
              />
            </fieldset>
            <Button type="submit" busy={busy}>
              Save settings
            </Button>
          </Form>
        </Card>
        <PayoutSchedule settings={settings} result={answer && "intent" in answer ? answer : undefined} />
        <Card title="Members" description={`${members.length} member${members.length === 1 ? "" : "s"}.`}>
          {members.length === 0 ? (
            <EmptyState title="No members yet" />
          ) : (
            <ul aria-label="Members" className="divide-y divide-slate-100">
              {members.map((m) => (
                <li key={m.id} className="flex items-start justify-between gap-3 py-2 text-sm">
                  <span className="min-w-0">
                    <span className="font-medium">{m.user.name}</span>{" "}
                    <span className="block break-words text-slate-500 sm:inline">{m.user.email}</span>
                  </span>
                  <span className="shrink-0 text-right text-slate-600">{roleLabels[m.role]}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
