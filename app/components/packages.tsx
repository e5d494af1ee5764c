import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { formatMinor } from "~/lib/money";
import { Badge, Button, Card, EmptyState } from "./ui";

export interface PackageOffer {
  id: string;
  name: string;
  description: string;
  sessionCount: number;
  priceMinor: number;
  currency: string;
  serviceName: string;
  savingMinor: number;
  singleTotalMinor: number;
}

export interface OwnedPackage {
  id: string;
  status: "PENDING" | "PAID" | "CANCELLED";
  serviceId: string;
  creditsRemaining: number;
  sessionsTotal: number;
  packageName: string;
  serviceName: string;
  coachName: string;
}

/** "2 of 3 credits left" */
export const creditsLeft = (p: { creditsRemaining: number; sessionsTotal: number }) =>
  `${p.creditsRemaining} of ${p.sessionsTotal} credit${p.sessionsTotal === 1 ? "" : "s"} left`;

/** A coach's packages on their public page: price, saving, a Buy button and the viewer's own credits. */
export function PackagesCard({ offers, owned, own }: { offers: PackageOffer[]; owned: OwnedPackage[]; own: boolean }) {
  const navigation = useNavigation();
  const buying = navigation.state !== "idle" ? navigation.formData?.get("packageId") : null;
  const paid = owned.filter((p) => p.status === "PAID");
  if (offers.length === 0 && paid.length === 0) return null;
  return (
    <Card title="Packages" description="Several sessions paid at once, at a lower price; book them one by one.">
      {paid.length ? (
        <ul aria-label="Your packages with this coach" className="mb-3 space-y-1 rounded-md bg-brand-50 p-3 text-sm">
          {paid.map((p) => (
            <li key={p.id}>
              Your <span className="font-medium">{p.packageName}</span>:{" "}
              <span className="font-semibold">{creditsLeft(p)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {offers.length === 0 ? (
        <EmptyState title="No packages on sale now" />
      ) : (
        <ul className="space-y-3">
          {offers.map((o) => (
            <li key={o.id} aria-label={o.name} className="rounded-lg p-3 ring-1 ring-slate-200">
              <p className="flex items-center justify-between gap-2 font-medium">
                {o.name} <span>{formatMinor(o.priceMinor, o.currency)}</span>
              </p>
              <p className="text-sm text-slate-600">
                {o.sessionCount} × {o.serviceName}{" "}
                {o.savingMinor > 0 ? <Badge tone="green">Save {formatMinor(o.savingMinor, o.currency)}</Badge> : null}
              </p>
              {o.savingMinor > 0 ? (
                <p className="text-xs text-slate-500">
                  Instead of {formatMinor(o.singleTotalMinor, o.currency)} for the sessions one by one.
                </p>
              ) : null}
              {o.description ? <p className="mt-1 text-sm text-slate-600">{o.description}</p> : null}
              {own ? null : (
                <Form method="post" className="mt-2">
                  <input type="hidden" name="packageId" value={o.id} />
                  <Button type="submit" name="intent" value="buy" busy={buying === o.id} aria-label={`Buy ${o.name}`}>
                    Buy
                  </Button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/**
 * The last step of the booking form: pay for the session, or use a credit of a package the client
 * holds for this service (confirmed at once, nothing to pay).
 */
export function PayWith({
  credits,
  price,
  policy,
  busy,
  disabled,
  errors,
}: {
  credits: OwnedPackage[];
  price: string;
  policy: string;
  busy: boolean;
  disabled: boolean;
  errors?: string[];
}) {
  const [choice, setChoice] = useState(credits[0]?.id ?? "");
  return (
    <>
      {credits.length ? (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">How you pay</legend>
          {credits.map((c) => (
            <label key={c.id} className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                name="packagePurchaseId"
                value={c.id}
                checked={choice === c.id}
                onChange={() => setChoice(c.id)}
                className="mt-1"
              />
              <span>
                Use a package credit ({c.creditsRemaining} left){" "}
                <span className="block text-xs text-slate-500">{c.packageName}</span>
              </span>
            </label>
          ))}
          <label className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="packagePurchaseId"
              value=""
              checked={choice === ""}
              onChange={() => setChoice("")}
              className="mt-1"
            />
            <span>Pay {price}</span>
          </label>
          {errors ? (
            <span role="alert" className="block text-sm text-red-700">
              {errors.join(" ")}
            </span>
          ) : null}
        </fieldset>
      ) : null}
      <Button type="submit" busy={busy} className="w-full" disabled={disabled}>
        {choice ? "Book with a credit" : "Continue to payment"}
      </Button>
      <p className="text-xs text-slate-500">
        {choice ? policy : "The time is held for you for a few minutes while you pay."}
      </p>
    </>
  );
}
