// A call's arguments, checked before anything reaches RevCent: no card number anywhere (keys
// included) unless the deployment is PCI-scoped, no secret field at any depth, the operation's
// schema (strict: unknown arguments are refused by name), a date range the operation allows, and
// `fields` expressions that parse. Each refusal names the field and what is allowed.
import type { z } from "zod";
import { RevCentError } from "../errors.js";
import { isPaged } from "../operations/kind.js";
import { DAY_SECONDS, type Operation } from "../operations/operation.js";
import { parseFieldFilter, type FieldFilter } from "../operations/field-filter.js";
import { fieldOf, type Validators } from "../operations/validation.js";
import { findCardNumbers, maskCardNumbers } from "../secrets/card-numbers.js";
import { isCardFieldName, isSecretName } from "../secrets/field-names.js";

export const CARD_ROUTE =
  "Card data never passes through this conversation: charge a card already on file (customer_id), or send the customer to your checkout or customer portal to enter it.";

export interface ArgumentPolicy {
  validators: Validators;
  /** PCI-scoped deployments: card numbers may pass as arguments. */
  allowCardData: boolean;
}

export function checkArguments(
  deps: ArgumentPolicy,
  op: Operation,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  if (!deps.allowCardData) {
    const card = findCardNumberArgument(raw);
    if (card)
      throw new RevCentError("invalid_arguments", `${card} contains a card number. ${CARD_ROUTE}`, { field: card });
  }
  const secret = findSecretArgument(raw, op, deps.allowCardData);
  if (secret && isCardFieldName(secret.split(/[.[]/).pop()!)) {
    throw new RevCentError(
      "invalid_arguments",
      `${secret} is card data and cannot be passed as a tool argument. ${CARD_ROUTE}`,
      { field: secret },
    );
  }
  if (secret) {
    throw new RevCentError(
      "invalid_arguments",
      `${secret} is a secret and cannot be passed as a tool argument. Create a secure form with CreateSecureForm, give its form_url to the human to fill in, then pass the secure_form_id instead.`,
      { field: secret },
    );
  }
  const validation = deps.validators.validate(op, raw);
  if (!validation.ok) {
    throw new RevCentError(
      "invalid_arguments",
      `Invalid arguments for ${op.id}: ${validation.message}.`,
      validation.field ? { field: validation.field } : {},
    );
  }
  checkDateRange(op, validation.args);
  return validation.args;
}

function checkDateRange(op: Operation, args: Record<string, unknown>): void {
  const start = args.date_start;
  const end = args.date_end;
  if (typeof start !== "number" || typeof end !== "number") return;
  if (end < start) {
    throw new RevCentError(
      "invalid_arguments",
      `Invalid arguments for ${op.id}: date_end (${end}) is before date_start (${start}).`,
      { field: "date_end" },
    );
  }
  // Lists split longer ranges into windows they allow (paging.ts); only other operations refuse.
  if (op.maxRangeDays && !isPaged(op) && end - start > op.maxRangeDays * DAY_SECONDS) {
    throw new RevCentError(
      "invalid_arguments",
      `Invalid arguments for ${op.id}: date_end - date_start spans ${((end - start) / DAY_SECONDS).toFixed(1)} days; at most ${op.maxRangeDays} days are allowed. Split the range into windows of ${op.maxRangeDays} days.`,
      { field: "date_end" },
    );
  }
}

/**
 * The path of an argument that carries a secret: a field the spec marks secret (stripped from the
 * schema), or any key named like one at any depth, wherever the model put it.
 */
function findSecretArgument(args: Record<string, unknown>, op: Operation, allowCardData: boolean): string | undefined {
  const secretLeaves = new Set(op.secretFields.map((path) => path.split(".").pop()!.replace(/\[\]$/, "")));
  const isSecret = (key: string) =>
    (secretLeaves.has(key) || isSecretName(key)) && !(allowCardData && isCardFieldName(key));
  return findArgument(args, (key) => isSecret(key));
}

/**
 * The path of an argument that holds a card number, however written: in a string, in a number, or
 * in a key. The path is masked, since a key may be the card itself.
 */
export function findCardNumberArgument(args: Record<string, unknown>): string | undefined {
  const holdsCard = (value: unknown) =>
    (typeof value === "string" || typeof value === "number") && findCardNumbers(String(value)).length > 0;
  const path = findArgument(args, (key, value) => holdsCard(key) || holdsCard(value));
  return path === undefined ? undefined : maskCardNumbers(path);
}

/** Depth-first path of the first argument the predicate picks, e.g. `payment.credit_card.card_number`. */
function findArgument(
  args: Record<string, unknown>,
  pick: (key: string, value: unknown) => boolean,
): string | undefined {
  const search = (value: unknown, at: string): string | undefined => {
    if (typeof value !== "object" || value === null) return undefined;
    for (const [key, child] of Object.entries(value)) {
      const path = Array.isArray(value) ? `${at}[${key}]` : at ? `${at}.${key}` : key;
      if (pick(key, child)) return path;
      const nested = search(child, path);
      if (nested) return nested;
    }
    return undefined;
  };
  return search(args, "");
}

/** The `fields` expressions of a read, parsed; a bad one is refused by its index before any call. */
export function fieldFilters(op: Operation, fields: unknown): FieldFilter[] {
  if (fields === undefined) return [];
  return (fields as string[]).map((text, i) => {
    const filter = parseFieldFilter(text);
    if (typeof filter === "string")
      throw new RevCentError("invalid_arguments", `Invalid arguments for ${op.id}: fields[${i}]: ${filter}.`, {
        field: `fields[${i}]`,
      });
    return filter;
  });
}

/** A discovery tool's zod refusal as our error, naming the field. */
export function invalidArguments(tool: string, error: z.ZodError): RevCentError {
  const issue = error.issues[0]!;
  const field = fieldOf(issue);
  return new RevCentError(
    "invalid_arguments",
    `Invalid arguments for ${tool}: ${field || "arguments"}: ${issue.message}.`,
    field ? { field } : {},
  );
}
