// The last step before a line is stored, shared by every sink, so that whatever a caller passes no
// secret reaches the trail: only the fields of AuditLine are kept (a caller spreading its arguments
// into a line adds nothing), a target survives only when both its name and its value look like ids,
// and card numbers are masked in every text that remains. Callers should never send such things;
// this is the defence for when one does.
import { maskCardNumbers } from "../secrets/card-numbers.js";
import type { AuditEvent, AuditLine } from "./audit-log.js";

/** An id as RevCent and we write them: letters, digits, `_` and `-`, at most 64 characters. */
const ID_LIKE = /^[A-Za-z0-9_-]{1,64}$/;
const CONFIRMATIONS: readonly NonNullable<AuditLine["confirmation"]>[] = ["elicit", "token", "off"];

/** The line as it may be stored: known fields only, id-like targets, card numbers masked. */
export function redactAuditLine(line: AuditLine): AuditLine {
  const text = (value: unknown): string | undefined => (typeof value === "string" ? maskCardNumbers(value) : undefined);
  // AuditLine's fields in its order; JSON.stringify leaves out the undefined ones.
  return {
    time: text(line.time) ?? "",
    event: (text(line.event) ?? "") as AuditEvent,
    principal: text(line.principal) ?? "",
    profile: text(line.profile) ?? "",
    session: text(line.session),
    operation: text(line.operation) ?? "",
    targets: idTargets(line.targets),
    amount: typeof line.amount === "number" && Number.isFinite(line.amount) ? line.amount : undefined,
    currency: text(line.currency),
    confirmation: CONFIRMATIONS.find((c) => c === line.confirmation),
    outcome: text(line.outcome),
    idempotency_key: text(line.idempotency_key),
    call: text(line.call) ?? "",
  };
}

/** The targets whose name and value both look like ids and hold no card number; undefined when none is left. */
function idTargets(targets: unknown): Record<string, string> | undefined {
  if (typeof targets !== "object" || targets === null) return undefined;
  const kept: Record<string, string> = {};
  // A card number is all digits, so id-like: it is dropped too (masked it would not be an id).
  for (const [name, value] of Object.entries(targets))
    if (ID_LIKE.test(name) && typeof value === "string" && ID_LIKE.test(value) && maskCardNumbers(value) === value)
      kept[name] = value;
  return Object.keys(kept).length ? kept : undefined;
}

/** The line as stored: one line of JSON, redacted, with no newline inside. */
export function auditLineJson(line: AuditLine): string {
  // JSON.stringify escapes newlines in strings, so a line can never split in two.
  return JSON.stringify(redactAuditLine(line));
}
