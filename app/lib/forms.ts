import { useEffect, useRef } from "react";

/** A form ref that clears the form after its action succeeded (so secrets and one-off entries do not linger). */
export function useResetOnSuccess(result: { ok: boolean } | undefined) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.ok) formRef.current?.reset();
  }, [result]);
  return formRef;
}
