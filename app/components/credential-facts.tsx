/** A credential's issuer, number, expiry and document link, in one line. */
export function CredentialFacts({
  credential: c,
  showMissingDocument = false,
}: {
  credential: { id: string; issuer: string; number: string; expiresOn: string | null; documentName: string | null };
  showMissingDocument?: boolean;
}) {
  return (
    <>
      {" · "}
      {c.issuer}
      {c.number ? ` · ${c.number}` : ""}
      {c.expiresOn ? ` · expires ${c.expiresOn.slice(0, 10)}` : ""}
      {c.documentName ? (
        <>
          {" · "}
          <a className="text-brand-700 underline" href={`/coaching/credentials/${c.id}/document`}>
            {c.documentName}
          </a>
        </>
      ) : showMissingDocument ? (
        " · no document"
      ) : null}
    </>
  );
}
