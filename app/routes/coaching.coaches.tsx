import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CredentialFacts } from "~/components/credential-facts";
import { Alert, Badge, Button, Card, EmptyState, PageHeader } from "~/components/ui";
import { parsePercentToBps } from "~/lib/money";
import { errorResponse, formError, formFields, requireViewer } from "~/lib/viewer.server";

export const meta: MetaFunction = () => [{ title: "Coaches · Tandem" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api, viewer } = await requireViewer(context, request);
  if (viewer.role !== "TENANT_ADMIN") throw new Response("Only organisation admins manage coaches.", { status: 403 });
  try {
    const [coaches, credentials, reviews, tenant] = await Promise.all([
      api.coachAdmin.coaches(),
      api.coachAdmin.credentials(),
      api.coachAdmin.reviews(),
      api.tenant.current(),
    ]);
    return json({ coaches, credentials, reviews, tenantFeeBps: tenant.platformFeeBps });
  } catch (error) {
    throw errorResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { api } = await requireViewer(context, request);
  const f = await formFields(request);
  const coachId = f.coachId ?? "";
  try {
    switch (f.intent) {
      case "suspend":
        await api.coachAdmin.suspend({ coachId, reason: f.reason ?? "" });
        break;
      case "reinstate":
        await api.coachAdmin.reinstate({ coachId });
        break;
      case "fee": {
        const bps = f.fee?.trim() ? parsePercentToBps(f.fee) : null;
        if (f.fee?.trim() && bps === null)
          return json(
            {
              ok: false as const,
              target: coachId,
              message: "Enter a percentage such as 12.5, or leave it empty for the organisation's fee.",
            },
            { status: 400 },
          );
        await api.coachAdmin.setFeeOverride({ coachId, platformFeeBps: bps });
        break;
      }
      case "feature":
        await api.coachAdmin.setFeatured({ coachId, rank: f.rank?.trim() ? Number(f.rank) : null });
        break;
      case "verify":
      case "unverify":
        await api.coachAdmin.verifyCredential({ credentialId: f.credentialId ?? "", verified: f.intent === "verify" });
        return json({ ok: true as const, target: f.credentialId ?? "", message: "Credential updated." });
      case "hide":
        await api.coachAdmin.hideReview({ reviewId: f.reviewId ?? "", reason: f.reason ?? "" });
        return json({ ok: true as const, target: f.reviewId ?? "", message: "Review hidden." });
      default:
        return json({ ok: false as const, target: coachId, message: "Unknown action." }, { status: 400 });
    }
    return json({ ok: true as const, target: coachId, message: "Saved." });
  } catch (error) {
    const { status, body } = formError(error);
    // The field's own message ("Give a reason of at least 3 characters."), else the error's.
    const fieldMessages = body.ok ? [] : [...new Set(Object.values(body.fieldErrors).flat())];
    const message = body.ok ? "" : fieldMessages.length ? fieldMessages.join(" ") : body.message;
    return json({ ok: false as const, target: f.coachId ?? f.credentialId ?? f.reviewId ?? "", message }, { status });
  }
}

const statusTone = { APPROVED: "green", PENDING: "amber", SUSPENDED: "slate", REJECTED: "slate" } as const;
const statusLabel = { APPROVED: "Approved", PENDING: "Pending", SUSPENDED: "Suspended", REJECTED: "Rejected" } as const;
const input = "rounded-md border-0 px-2 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-slate-300";

export default function Coaches() {
  const { coaches, credentials, reviews, tenantFeeBps } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const note = (target: string) =>
    result && result.target === target ? <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert> : null;
  return (
    <div className="space-y-8">
      <PageHeader
        title="Coaches"
        description={
          <>
            Standing, fees and featuring of every coach. Applications are reviewed on{" "}
            <Link className="text-brand-700 underline" to="/coaching/review">
              Applications
            </Link>
            .
          </>
        }
      />
      <Card title="All coaches">
        {coaches.length === 0 ? <EmptyState title="No coaches yet" /> : null}
        <ul aria-label="All coaches" className="divide-y divide-slate-100">
          {coaches.map((c) => (
            // Named after the coach, so that its Suspend, Set fee and Save controls say whose they are.
            <li key={c.id} aria-labelledby={`coach-${c.id}`} className="space-y-2 py-3">
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <span id={`coach-${c.id}`} className="font-medium">
                  {c.displayName}
                </span>{" "}
                <span className="break-all text-slate-500">{c.user.email}</span>
                <Badge tone={statusTone[c.status]}>{statusLabel[c.status]}</Badge>
                {c.certifiedAt ? <Badge tone="brand">Certified</Badge> : null}
                {c.statusReason ? <span className="text-slate-500">({c.statusReason})</span> : null}
              </div>
              {note(c.id)}
              <div className="flex flex-wrap items-end gap-4">
                {c.status === "APPROVED" ? (
                  <Form method="post" className="flex items-end gap-2">
                    <input type="hidden" name="coachId" value={c.id} />
                    <label className="text-xs text-slate-600">
                      Reason to suspend
                      <input name="reason" className={`${input} block`} />
                    </label>
                    <Button name="intent" value="suspend" variant="danger" busy={busy}>
                      Suspend
                    </Button>
                  </Form>
                ) : null}
                {c.status === "SUSPENDED" ? (
                  <Form method="post">
                    <input type="hidden" name="coachId" value={c.id} />
                    <Button name="intent" value="reinstate" variant="secondary" busy={busy}>
                      Reinstate
                    </Button>
                  </Form>
                ) : null}
                {c.status === "PENDING" ? (
                  <p className="text-sm text-slate-600">
                    Waiting for a decision on{" "}
                    <Link className="text-brand-700 underline" to="/coaching/review">
                      Applications
                    </Link>
                    .
                  </p>
                ) : null}
                {/* Fees apply to coaches, not to applicants. */}
                {c.status === "APPROVED" || c.status === "SUSPENDED" ? (
                  <Form method="post" className="flex items-end gap-2">
                    <input type="hidden" name="coachId" value={c.id} />
                    <label className="text-xs text-slate-600">
                      Platform fee % (empty: {(tenantFeeBps / 100).toFixed(2)}%)
                      <input
                        name="fee"
                        inputMode="decimal"
                        defaultValue={
                          c.platformFeeBpsOverride !== null ? (c.platformFeeBpsOverride / 100).toString() : ""
                        }
                        className={`${input} block w-28`}
                      />
                    </label>
                    <Button name="intent" value="fee" variant="secondary" busy={busy}>
                      Set fee
                    </Button>
                  </Form>
                ) : null}
                {c.status === "APPROVED" ? (
                  <Form method="post" className="flex items-end gap-2">
                    <input type="hidden" name="coachId" value={c.id} />
                    <label className="text-xs text-slate-600">
                      Featured position (empty: not featured)
                      <input
                        name="rank"
                        inputMode="numeric"
                        defaultValue={c.featuredRank?.toString() ?? ""}
                        className={`${input} block w-24`}
                      />
                    </label>
                    <Button name="intent" value="feature" variant="secondary" busy={busy}>
                      Save
                    </Button>
                  </Form>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Credentials to verify">
        {credentials.length === 0 ? <EmptyState title="No credentials uploaded yet" /> : null}
        <ul aria-label="Credentials" className="divide-y divide-slate-100">
          {credentials.map((c) => (
            <li
              key={c.id}
              aria-label={`${c.coachProfile.displayName}: ${c.type}`}
              className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
            >
              <span>
                <span className="font-medium">{c.coachProfile.displayName}</span>: {c.type}
                <CredentialFacts credential={c} showMissingDocument />
              </span>
              <span className="flex items-center gap-2">
                {note(c.id)}
                <Badge tone={c.status === "VERIFIED" ? "green" : c.status === "REJECTED" ? "slate" : "amber"}>
                  {c.status === "VERIFIED"
                    ? "Verified"
                    : c.status === "REJECTED"
                      ? "Not accepted"
                      : "Awaiting verification"}
                </Badge>
                <Form method="post" className="flex gap-2">
                  <input type="hidden" name="credentialId" value={c.id} />
                  <Button
                    name="intent"
                    value="verify"
                    variant="secondary"
                    busy={busy}
                    disabled={c.status === "VERIFIED"}
                  >
                    Verify
                  </Button>
                  <Button name="intent" value="unverify" variant="ghost" busy={busy} disabled={c.status === "REJECTED"}>
                    Reject
                  </Button>
                </Form>
              </span>
            </li>
          ))}
        </ul>
      </Card>
      <Card
        title="Reviews"
        description="Hide a review that breaks the rules; its author and the reason stay on record."
      >
        {reviews.length === 0 ? <EmptyState title="No reviews yet" /> : null}
        <ul aria-label="Reviews" className="divide-y divide-slate-100">
          {reviews.map((r) => (
            <li
              key={r.id}
              aria-label={`Review of ${r.coachProfile.displayName} by ${r.author.name}`}
              className="space-y-1 py-2 text-sm"
            >
              <p>
                <span className="font-medium">{r.coachProfile.displayName}</span> · {r.rating}★ by {r.author.name}
                {r.anonymous ? " (shown as anonymous)" : ""}{" "}
                {r.hiddenAt ? <Badge>Hidden: {r.hiddenReason}</Badge> : null}
              </p>
              <p className="text-slate-700">{r.text}</p>
              {note(r.id)}
              {!r.hiddenAt ? (
                <Form method="post" className="flex items-end gap-2">
                  <input type="hidden" name="reviewId" value={r.id} />
                  <label className="text-xs text-slate-600">
                    Reason to hide
                    <input name="reason" className={`${input} block`} />
                  </label>
                  <Button name="intent" value="hide" variant="danger" busy={busy}>
                    Hide
                  </Button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
