"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, communityAction, communityWorkflow, type ActionState } from "@/lib/actions";
import { stripe } from "@/lib/billing/stripe";
import { tierSummaries } from "@/lib/tiers/read";
import { importCsv, MAX_BYTES, previewCsv, type CsvPreview } from "@/lib/imports/csv";
import { resolveMapping, resumeImportSchema, resumeStripeImport, startImportSchema, startStripeImport } from "@/lib/imports/stripe-import";

const csvInput = z.object({
  file: z.instanceof(File, { message: "Choose a CSV file." }).optional(),
  csv: z.string().max(MAX_BYTES, "The file is too large.").optional(),
});

async function csvText(input: z.output<typeof csvInput>): Promise<string> {
  if (input.csv) return input.csv;
  if (!input.file || input.file.size === 0) throw new ActionError("Please correct the highlighted fields.", { file: ["Choose a CSV file."] });
  if (input.file.size > MAX_BYTES)
    throw new ActionError("Please correct the highlighted fields.", { file: [`The file is over ${MAX_BYTES / 1_000_000} MB; split it.`] });
  return input.file.text();
}

/** Checks the file and shows what would be imported; writes nothing. */
export const previewCsvAction = communityAction(csvInput, "manage", async (input, { tx }): Promise<CsvPreview & { csv: string }> => {
  const text = await csvText(input);
  return { ...previewCsv(text, await tierSummaries(tx)), csv: text };
});

const applyCsv = communityAction(
  csvInput,
  "manage",
  async (input, { actor, community, tx }) => {
    const text = await csvText(input);
    // Checked again: the tiers may have changed since the preview.
    const preview = previewCsv(text, await tierSummaries(tx));
    return importCsv(tx, community.id, actor, preview);
  },
  (_input, r) => ({ action: "import.csv", objectType: "community", details: r }),
);

export async function importCsvAction(prev: ActionState<{ granted: number; waiting: number; skipped: number }>, formData: FormData) {
  const result = await applyCsv(prev, formData);
  if (result.ok) revalidatePath(`/dashboard/${String(formData.get("communitySlug"))}/import`);
  return result;
}

/** Maps the account's prices to tiers ("new": a tier made from the price first), then starts the run. */
const start = communityWorkflow(
  startImportSchema,
  "manage",
  async ({ map, sendEmails }, { actor, community, inScope }) => {
    const mapping = await resolveMapping(map, community, inScope, stripe());
    return inScope((tx) => startStripeImport(tx, community, actor, mapping, sendEmails));
  },
  (input, r) => ({ action: "import.stripe_started", objectType: "stripe_import", objectId: r.runId, details: { prices: Object.keys(input.map).length } }),
);

export async function startStripeImportAction(prev: ActionState<{ runId: string }>, formData: FormData) {
  const result = await start(prev, formData);
  if (result.ok) revalidatePath(`/dashboard/${String(formData.get("communitySlug"))}/import`);
  return result;
}

export const resumeStripeImportAction = communityAction(
  resumeImportSchema,
  "manage",
  (input, { community, tx }) => resumeStripeImport(tx, community.id, input.runId),
  (input) => ({
    action: "import.stripe_resumed",
    objectType: "stripe_import",
    objectId: input.runId,
  }),
);
