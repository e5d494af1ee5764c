import { Form } from "@remix-run/react";
import { Button } from "~/components/ui";

/** The two switches a client sets per coach (journal, goals), as a plain form that works without JavaScript. */
export function ConsentForm({
  coachProfileId,
  coachName,
  journal,
  goals,
  submitLabel = "Save",
}: {
  coachProfileId: string;
  coachName: string;
  journal: boolean;
  goals: boolean;
  submitLabel?: string;
}) {
  return (
    <Form method="post" className="space-y-2" aria-label={`What ${coachName} may see`}>
      <input type="hidden" name="intent" value="consent" />
      <input type="hidden" name="coachProfileId" value={coachProfileId} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="journal" value="on" defaultChecked={journal} className="h-4 w-4" />
        {coachName} may read my journal
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="goals" value="on" defaultChecked={goals} className="h-4 w-4" />
        {coachName} may see my goals and progress
      </label>
      <Button variant="secondary" className="px-3 py-1.5 text-xs">
        {submitLabel}
      </Button>
    </Form>
  );
}
