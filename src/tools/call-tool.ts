// One tool call, start to finish: arguments checked (secrets, schema, date range), then the client
// (which enforces the policy again), then a result the model can use. Every failure a model can act
// on is an isError result naming the cause; nothing here throws for bad input.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import type { z } from "zod";
import { isPaged } from "../operations/kind.js";
import { RevCentError, type ErrorCode } from "../errors.js";
import type { RevCentClient } from "../client/revcent-client.js";
import { findCardNumbers, maskCardNumbers } from "../secrets/card-numbers.js";
import { GUARD_LIMITS, VERIFY_TOOL, type CallerContext, type Guard } from "../guard/guard.js";
import type { ResultHygiene } from "./result-hygiene.js";
import { RESULT_FILTER_ARGUMENT, toolFor, type ToolCatalog } from "./catalog.js";
import { applyFieldFilters, parseFieldFilter, type FieldFilter } from "../operations/field-filter.js";
import { fetchList, type Progress } from "./paging.js";
import { CALL_OPERATION, DESCRIBE_OPERATION, SEARCH_OPERATIONS, callInput, describeInput, searchInput, searchLine, searchOperations } from "./dynamic.js";
import { isCardFieldName, isSecretName } from "../secrets/field-names.js";
import { DAY_SECONDS, isObject, type Operation } from "../operations/operation.js";
import { fieldOf, type Validators } from "../operations/validation.js";

export interface ToolCallDeps {
  catalog: ToolCatalog;
  client: RevCentClient;
  validators: Validators;
  logger: Logger;
  hygiene: ResultHygiene;
  guard: Guard | undefined;
  /** PCI-scoped deployments: card numbers may pass as arguments. */
  allowCardData: boolean;
}

const CARD_ROUTE =
  "Card data never passes through this conversation: charge a card already on file (customer_id), or send the customer to your checkout or customer portal to enter it.";

/** A call's result for the client, and its outcome as data (for logs and resource errors): "ok" or an error code. */
export interface CallOutcome {
  result: CallToolResult;
  outcome: "ok" | ErrorCode;
}

export async function callTool(
  deps: ToolCallDeps,
  caller: CallerContext,
  name: string,
  rawArgs: Record<string, unknown> | undefined,
  signal?: AbortSignal,
  progress?: Progress,
): Promise<CallOutcome> {
  if (name === VERIFY_TOOL && deps.guard) return verifyCustomer(deps, deps.guard, caller, rawArgs, signal);
  if (deps.catalog.mode === "dynamic") {
    if (name === SEARCH_OPERATIONS || name === DESCRIBE_OPERATION) return discover(deps.catalog, name, rawArgs);
    if (name === CALL_OPERATION) {
      const parsed = callInput.safeParse(rawArgs ?? {});
      if (!parsed.success) return failed(invalid(CALL_OPERATION, parsed.error));
      const { operation } = parsed.data;
      // Operations only: the discovery tools are not operations, so CallOperation cannot recurse.
      if (operation === SEARCH_OPERATIONS || operation === DESCRIBE_OPERATION || operation === CALL_OPERATION) {
        return failed(new RevCentError("operation_not_allowed", `${operation} is not an operation; use SearchOperations to find one.`));
      }
      // The same path a static tool takes: validation, guard, policy, client, hygiene.
      return callTool(deps, caller, operation, parsed.data.arguments, signal, progress);
    }
  }
  const op = deps.catalog.get(name);
  if (!op) {
    return failed(new RevCentError("operation_not_allowed", `No tool named ${name} is available in this session.`));
  }
  try {
    const { [RESULT_FILTER_ARGUMENT]: fields, ...args } = checkArguments(deps, op, rawArgs ?? {});
    const filters = fieldFilters(op, fields);
    const call = async (a: Record<string, unknown>) => (await deps.client.call(op, a, signal ? { signal } : {})).body;
    const execute = isPaged(op) ? (a: Record<string, unknown>) => fetchList(op, a, call, progress) : call;
    const body = deps.guard ? await deps.guard.run(caller, op, args, signal, execute) : await execute(args);
    const clean = deps.hygiene.clean(op, body);
    return succeeded(successResult(filters.length && isObject(clean) ? filtered(op, clean, filters) : clean));
  } catch (err) {
    if (err instanceof RevCentError) {
      deps.logger.info({ operation: op.id, code: err.code, status: err.details.status }, "tool call failed");
      return failed(err);
    }
    throw err;
  }
}

/** The `fields` expressions of a read, parsed; a bad one is refused by its index before any call. */
function fieldFilters(op: Operation, fields: unknown): FieldFilter[] {
  if (fields === undefined) return [];
  return (fields as string[]).map((text, i) => {
    const filter = parseFieldFilter(text);
    if (typeof filter === "string") throw new RevCentError("invalid_arguments", `Invalid arguments for ${op.id}: fields[${i}]: ${filter}.`, { field: `fields[${i}]` });
    return filter;
  });
}

/**
 * The answer through the `fields` filters. Filters that keep nothing of a non-empty answer are a
 * mistake the model can correct (typically `id` on a list, whose items are under `results`), so
 * they get an error naming the fields there are, not a silent `{}`.
 */
function filtered(op: Operation, doc: Record<string, unknown>, filters: FieldFilter[]): Record<string, unknown> {
  const kept = applyFieldFilters(doc, filters);
  if (Object.keys(kept).length || !Object.keys(doc).length) return kept;
  const list = Array.isArray(doc.results) ? "; a list's items are under results, so name their fields as results.<field> (e.g. results.id)" : "";
  throw new RevCentError("invalid_arguments", `fields kept nothing of the ${op.id} answer: its top-level fields are ${Object.keys(doc).join(", ")}${list}.`, { field: "fields" });
}

/** SearchOperations and DescribeOperation: answers from the session's own catalog, no upstream call. */
function discover(catalog: ToolCatalog, name: string, rawArgs: Record<string, unknown> | undefined): CallOutcome {
  if (name === SEARCH_OPERATIONS) {
    const parsed = searchInput.safeParse(rawArgs ?? {});
    if (!parsed.success) return failed(invalid(name, parsed.error));
    const hits = searchOperations(catalog.searchIndex(), parsed.data.query, parsed.data.toolset);
    const text = hits.length ? hits.map(searchLine).join("\n") : "No operation matches; try other words, or no toolset filter.";
    return succeeded({ content: [{ type: "text", text }] });
  }
  const parsed = describeInput.safeParse(rawArgs ?? {});
  if (!parsed.success) return failed(invalid(name, parsed.error));
  const op = catalog.get(parsed.data.operation);
  if (!op) return failed(new RevCentError("operation_not_allowed", `No operation named ${parsed.data.operation} is available in this session; use SearchOperations.`));
  const { name: operation, description, inputSchema, annotations } = toolFor(op);
  const described = { operation, description, ...(op.usage ? { usage: op.usage } : {}), annotations, inputSchema };
  return succeeded({ content: [{ type: "text", text: JSON.stringify(described) }], structuredContent: described });
}

function invalid(tool: string, error: z.ZodError): RevCentError {
  const issue = error.issues[0]!;
  const field = fieldOf(issue);
  return new RevCentError("invalid_arguments", `Invalid arguments for ${tool}: ${field || "arguments"}: ${issue.message}.`, field ? { field } : {});
}

async function verifyCustomer(deps: ToolCallDeps, guard: Guard, caller: CallerContext, rawArgs: Record<string, unknown> | undefined, signal: AbortSignal | undefined): Promise<CallOutcome> {
  try {
    // A card number is never a verification value, PCI scope or not.
    const card = findCardNumberArgument(rawArgs ?? {});
    if (card) throw new RevCentError("invalid_arguments", `${card} contains a card number. Ask for the last 4 digits only (factor last4). ${CARD_ROUTE}`, { field: card });
    const { customer_id, verification } = await guard.verify(caller, rawArgs, signal);
    const minutes = GUARD_LIMITS.idleMs / 60_000;
    const structured = { verified: true, customer_id, verification, expires_after_idle_minutes: minutes };
    // Without a transport session the handle is the only memory of this verification, and many
    // clients give the model only the text: it must be there to be passed on.
    const text =
      caller.session === undefined
        ? `Verified customer ${customer_id} (lapses after ${minutes} idle minutes). This server keeps no conversation state: pass verification "${verification}" with every later call about this customer.`
        : `Verified customer ${customer_id} for this conversation (lapses after ${minutes} idle minutes).`;
    return succeeded({ content: [{ type: "text", text }], structuredContent: structured });
  } catch (err) {
    if (!(err instanceof RevCentError)) throw err;
    deps.logger.info({ operation: VERIFY_TOOL, code: err.code }, "tool call failed");
    return failed(err);
  }
}

function checkArguments(deps: ToolCallDeps, op: Operation, raw: Record<string, unknown>): Record<string, unknown> {
  if (!deps.allowCardData) {
    const card = findCardNumberArgument(raw);
    if (card) throw new RevCentError("invalid_arguments", `${card} contains a card number. ${CARD_ROUTE}`, { field: card });
  }
  const secret = findSecretArgument(raw, op, deps.allowCardData);
  if (secret && isCardFieldName(secret.split(/[.[]/).pop()!)) {
    throw new RevCentError("invalid_arguments", `${secret} is card data and cannot be passed as a tool argument. ${CARD_ROUTE}`, { field: secret });
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
    throw new RevCentError("invalid_arguments", `Invalid arguments for ${op.id}: ${validation.message}.`, validation.field ? { field: validation.field } : {});
  }
  checkDateRange(op, validation.args);
  return validation.args;
}

function checkDateRange(op: Operation, args: Record<string, unknown>): void {
  const start = args.date_start;
  const end = args.date_end;
  if (typeof start !== "number" || typeof end !== "number") return;
  if (end < start) {
    throw new RevCentError("invalid_arguments", `Invalid arguments for ${op.id}: date_end (${end}) is before date_start (${start}).`, { field: "date_end" });
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
  const isSecret = (key: string) => (secretLeaves.has(key) || isSecretName(key)) && !(allowCardData && isCardFieldName(key));
  return findArgument(args, (key) => isSecret(key));
}

/**
 * The path of an argument that holds a card number, however written: in a string, in a number, or
 * in a key. The path is masked, since a key may be the card itself.
 */
function findCardNumberArgument(args: Record<string, unknown>): string | undefined {
  const holdsCard = (value: unknown) => (typeof value === "string" || typeof value === "number") && findCardNumbers(String(value)).length > 0;
  const path = findArgument(args, (key, value) => holdsCard(key) || holdsCard(value));
  return path === undefined ? undefined : maskCardNumbers(path);
}

/** Depth-first path of the first argument the predicate picks, e.g. `payment.credit_card.card_number`. */
function findArgument(args: Record<string, unknown>, pick: (key: string, value: unknown) => boolean): string | undefined {
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

function successResult(body: unknown): CallToolResult {
  const structured = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : { result: body };
  return { content: [{ type: "text", text: JSON.stringify(structured) }], structuredContent: structured };
}

/**
 * An error the model can act on. No structuredContent: clients validate it against the tool's
 * outputSchema, which describes success only.
 */
function errorResult(error: RevCentError): CallToolResult {
  const facts = [
    error.details.field && `field: ${error.details.field}`,
    error.details.status && `HTTP ${error.details.status}`,
    error.details.revcentCode !== undefined && `RevCent code ${error.details.revcentCode}`,
    error.details.errorCode && `error_code ${error.details.errorCode}`,
    error.details.retryAfterSeconds !== undefined && `retry after ${Math.ceil(error.details.retryAfterSeconds)} s`,
  ].filter(Boolean);
  // Upstream words (a RevCent message, a gateway reason) may quote what a customer typed.
  const text = maskCardNumbers(`[${error.code}] ${error.message}${facts.length ? ` (${facts.join(", ")})` : ""}`);
  return { isError: true, content: [{ type: "text", text }] };
}

const succeeded = (result: CallToolResult): CallOutcome => ({ result, outcome: "ok" });

function failed(error: RevCentError): CallOutcome {
  return { result: errorResult(error), outcome: error.code };
}
