// The server instructions: what every tool shares, said once instead of in each tool's schema (the
// compactor drops it there). Numbers come from where they are defined — the spec's list
// parameters, the id length, the paging bounds — so the text cannot drift from what is enforced.
import { ID_LENGTH, isObject, type Operation } from "../operations/operation.js";
import { isPaged } from "../operations/kind.js";
import { DEFAULT_MAX_ITEMS, MAX_ITEMS_LIMIT } from "./paging.js";
import type { ConfirmMode } from "../money/rules.js";
import { CONFIRMATION_ARGUMENT } from "./money-gate.js";

/** The `limit` bounds the spec's paged lists declare (the widest, where they differ). */
function listLimit(operations: readonly Operation[]): { min: number; max: number } | undefined {
  let bounds: { min: number; max: number } | undefined;
  for (const op of operations) {
    if (!isPaged(op) || !isObject(op.inputSchema.properties)) continue;
    const limit = op.inputSchema.properties.limit;
    if (!isObject(limit) || typeof limit.minimum !== "number" || typeof limit.maximum !== "number") continue;
    bounds = {
      min: Math.min(bounds?.min ?? limit.minimum, limit.minimum),
      max: Math.max(bounds?.max ?? limit.maximum, limit.maximum),
    };
  }
  return bounds;
}

/** How a call that moves money or cannot be undone is confirmed, as the model needs to know it. */
function confirmationText(mode: ConfirmMode): string {
  if (mode === "off") return "Tools marked destructive move money or cannot be undone: confirm with the user first.";
  const asks =
    "Calls that move money or cannot be undone wait for the user's yes: the server asks them through your client";
  if (mode === "elicit") return `${asks}.`;
  return `${asks}, or answers [confirmation_required] with what will happen and a one-time token; only if the user agrees, repeat the same call with ${CONFIRMATION_ARGUMENT} set to it.`;
}

export function serverInstructions(operations: readonly Operation[], confirm: ConfirmMode = "off"): string {
  const limit = listLimit(operations);
  const limitText = limit ? `limit (${limit.min}-${limit.max})` : "limit";
  return [
    `RevCent payments API. RevCent ids are ${ID_LENGTH} characters.`,
    `Lists need date_start/date_end (unix seconds), ${limitText} and page (from 1); they filter by customer_id, campaign_filter (campaign ids) and metadata_filter ([{name, value}], all must match; value METADATA_NAME_EXISTS matches any value).`,
    "Searches take search_term.",
    'Lists (Get<Plural>) and searches (Search<Plural>) return item summaries, whole with `fields: ["*"]`; the matching Get<Singular> returns one item in full.',
    "For counts or totals use BigQueryRunQuery.",
    confirmationText(confirm),
    `Lists accept all_pages (follow every page, up to max_items: 1-${MAX_ITEMS_LIMIT}, default ${DEFAULT_MAX_ITEMS}) and split a date range longer than they allow into windows, merged.`,
    "Answers fit a token budget: a cut one says truncated, what it left out and how to continue.",
    "Read tools accept `fields` to shape their answer from whole items (paths into the result; lists keep their items under results): `name` keeps only that top-level field, `-name` drops it, `results.amount` keeps only that field of each item, `-results.customer` drops it, `results.status=settled` keeps only matching items, `-results.status=refunded` drops them.",
    "Resources: revcent://guide explains errors, paging, filters and idempotency; revcent://operations/{operationId} documents one operation.",
  ].join(" ");
}
