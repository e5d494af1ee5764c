import { Link } from "@remix-run/react";
import { Badge } from "~/components/ui";
import { coachPhotoUrl, sessionTypeLabels } from "~/lib/coaching";
import { formatMinor } from "~/lib/money";

export interface CoachCardData {
  id: string;
  displayName: string;
  bio?: string;
  photoKey: string | null;
  specialties: string[];
  sessionTypes?: string[];
  location?: string | null;
  minPriceMinor: number | null;
  ratingAvg: number;
  ratingCount: number;
  certified: boolean;
  verified?: boolean;
}

/** A coach's photo, or their initial. Decorative next to their name; pass `alt` where the photo itself matters. */
export function Avatar({
  name,
  photoKey,
  size = 56,
  alt = "",
}: {
  name: string;
  photoKey: string | null;
  size?: number;
  alt?: string;
}) {
  const url = coachPhotoUrl(photoKey);
  return url ? (
    <img
      src={url}
      alt={alt}
      width={size}
      height={size}
      className="shrink-0 rounded-full object-cover"
      style={{ width: size, height: size }}
    />
  ) : (
    <span
      aria-hidden
      className="grid shrink-0 place-items-center rounded-full bg-brand-100 font-semibold text-brand-900"
      style={{ width: size, height: size }}
    >
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}

export function Rating({ avg, count }: { avg: number; count: number }) {
  if (count === 0) return <span className="text-sm text-slate-500">No reviews yet</span>;
  return (
    <span
      className="text-sm text-slate-700"
      aria-label={`Rated ${avg.toFixed(1)} out of 5 from ${count} review${count === 1 ? "" : "s"}`}
    >
      <span aria-hidden className="text-amber-500">
        ★
      </span>{" "}
      {avg.toFixed(1)} <span className="text-slate-500">({count})</span>
    </span>
  );
}

export function CoachCard({ coach, currency }: { coach: CoachCardData; currency: string }) {
  return (
    <li className="flex gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <Avatar name={coach.displayName} photoKey={coach.photoKey} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <h3 className="font-semibold">
            <Link to={`/coaches/${coach.id}`} className="hover:underline">
              {coach.displayName}
            </Link>
          </h3>
          {coach.certified ? <Badge tone="brand">Certified</Badge> : null}
          {coach.verified ? <Badge tone="green">Verified</Badge> : null}
        </div>
        <Rating avg={coach.ratingAvg} count={coach.ratingCount} />
        {coach.bio ? <p className="mt-1 line-clamp-2 text-sm text-slate-600">{coach.bio}</p> : null}
        <ul className="mt-2 flex flex-wrap gap-1" aria-label="Specialties">
          {coach.specialties.slice(0, 4).map((s) => (
            <li key={s}>
              <Badge>{s}</Badge>
            </li>
          ))}
        </ul>
        <p className="mt-2 text-sm text-slate-700">
          {coach.minPriceMinor !== null ? <>From {formatMinor(coach.minPriceMinor, currency)}</> : "No services yet"}
          {coach.sessionTypes?.length ? (
            <> · {coach.sessionTypes.map((t) => sessionTypeLabels[t] ?? t).join(", ")}</>
          ) : null}
          {coach.location ? <> · {coach.location}</> : null}
        </p>
      </div>
    </li>
  );
}
