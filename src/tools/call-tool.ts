// One tool call, start to finish: which tool (an operation, VerifyCustomer, or a discovery tool),
// its arguments checked (arguments.ts), the guard and the client (which enforces the policy again),
// then the answer cleaned and shaped (results.ts). Every failure a model can act on is an isError
// result naming the cause; nothing here throws for bad input.
import type { Logger } from "pino";
import type { RevCentClient } from "../client/revcent-client.js";
import { RevCentError } from "../errors.js";
import { GUARD_LIMITS, VERIFY_TOOL, type CallerContext, type Guard } from "../guard/guard.js";
import { isPaged } from "../operations/kind.js";
import { isObject } from "../operations/operation.js";
import type { Validators } from "../operations/validation.js";
import { CARD_ROUTE, checkArguments, fieldFilters, findCardNumberArgument, invalidArguments } from "./arguments.js";
import { RESULT_FILTER_ARGUMENT, toolFor, type ToolCatalog } from "./catalog.js";
import {
  CALL_OPERATION,
  DESCRIBE_OPERATION,
  SEARCH_OPERATIONS,
  callInput,
  describeInput,
  searchInput,
  searchLine,
  searchOperations,
} from "./dynamic.js";
import { fetchList, type Progress } from "./paging.js";
import {
  InputNeeded,
  gatedCall,
  recordGuardDecision,
  recordedWrite,
  type GateContext,
  type HumanChannel,
} from "./money-gate.js";
import type { ResultHygiene } from "./result-hygiene.js";
import { FULL_ITEMS, fitAnswer, summarized } from "./answers.js";
import { answered, failed, filtered, structuredOf, succeeded, type CallOutcome } from "./results.js";

export interface ToolCallDeps {
  catalog: ToolCatalog;
  /** Confirmation, limits and the audit trail around writes. */
  gate: GateContext;
  client: RevCentClient;
  validators: Validators;
  logger: Logger;
  hygiene: ResultHygiene;
  guard: Guard | undefined;
  /** PCI-scoped deployments: card numbers may pass as arguments. */
  allowCardData: boolean;
  /** No answer is larger than this, in o200k tokens as answers.ts estimates them. */
  maxAnswerTokens: number;
}

export async function callTool(
  deps: ToolCallDeps,
  caller: CallerContext,
  name: string,
  rawArgs: Record<string, unknown> | undefined,
  signal?: AbortSignal,
  progress?: Progress,
  human?: HumanChannel,
): Promise<CallOutcome> {
  if (name === VERIFY_TOOL && deps.guard) return verifyCustomer(deps, deps.guard, caller, rawArgs, signal);
  if (deps.catalog.mode === "dynamic") {
    if (name === SEARCH_OPERATIONS || name === DESCRIBE_OPERATION) return discover(deps.catalog, name, rawArgs);
    if (name === CALL_OPERATION) {
      const parsed = callInput.safeParse(rawArgs ?? {});
      if (!parsed.success) return failed(invalidArguments(CALL_OPERATION, parsed.error));
      const { operation } = parsed.data;
      // Operations only: the discovery tools are not operations, so CallOperation cannot recurse.
      if (operation === SEARCH_OPERATIONS || operation === DESCRIBE_OPERATION || operation === CALL_OPERATION) {
        return failed(
          new RevCentError(
            "operation_not_allowed",
            `${operation} is not an operation; use SearchOperations to find one.`,
          ),
        );
      }
      // The same path a static tool takes: validation, guard, policy, client, hygiene.
      return callTool(deps, caller, operation, parsed.data.arguments, signal, progress, human);
    }
  }
  const op = deps.catalog.get(name);
  if (!op) {
    return failed(new RevCentError("operation_not_allowed", `No tool named ${name} is available in this session.`));
  }
  try {
    const { [RESULT_FILTER_ARGUMENT]: fields, ...args } = checkArguments(deps, op, rawArgs ?? {});
    // Any `fields` picks from whole items; "*" alone asks for them unfiltered.
    const wholeItems = Array.isArray(fields) && fields.length > 0;
    const filters = fieldFilters(op, wholeItems ? fields.filter((f) => String(f).trim() !== FULL_ITEMS) : undefined);
    const call = async (a: Record<string, unknown>, options: { idempotencyKey?: string } = {}) =>
      (await deps.client.call(op, a, { ...(signal ? { signal } : {}), ...options })).body;
    const send = isPaged(op) ? (a: Record<string, unknown>) => fetchList(op, a, call, progress) : call;
    const execute = op.readOnly
      ? send
      : deps.gate.rules.governs(op)
        ? (a: Record<string, unknown>) => gatedCall(deps.gate, caller, op, a, human, send)
        : (a: Record<string, unknown>) => recordedWrite(deps.gate, caller, op, a, send);
    const body = deps.guard ? await deps.guard.run(caller, op, args, signal, execute) : await execute(args);
    // Shaped only after the guard and hygiene, and only ever by leaving things out, so neither view
    // can show what they withheld.
    const clean = deps.hygiene.clean(op, body);
    const shaped = filters.length && isObject(clean) ? filtered(op, clean, filters) : clean;
    const answer = structuredOf(wholeItems ? shaped : summarized(op, shaped));
    return answered(fitAnswer(op, args, answer, deps.maxAnswerTokens), op.outputSchema !== undefined);
  } catch (err) {
    if (err instanceof InputNeeded) return { result: err.result, outcome: "input_required" };
    if (err instanceof RevCentError) {
      deps.logger.info({ operation: op.id, code: err.code, status: err.details.status }, "tool call failed");
      if (GUARD_REFUSALS.has(err.code)) await recordGuardDecision(deps.gate, caller, op.id, err.code, rawArgs);
      return failed(err);
    }
    throw err;
  }
}

/** Refusals by the guard, which the audit trail records as its decisions. */
const GUARD_REFUSALS: ReadonlySet<string> = new Set(["verification_required", "verification_failed"]);

/** SearchOperations and DescribeOperation: answers from the session's own catalog, no upstream call. */
function discover(catalog: ToolCatalog, name: string, rawArgs: Record<string, unknown> | undefined): CallOutcome {
  if (name === SEARCH_OPERATIONS) {
    const parsed = searchInput.safeParse(rawArgs ?? {});
    if (!parsed.success) return failed(invalidArguments(name, parsed.error));
    const hits = searchOperations(catalog.searchIndex(), parsed.data.query, parsed.data.toolset);
    const text = hits.length
      ? hits.map(searchLine).join("\n")
      : "No operation matches; try other words, or no toolset filter.";
    return succeeded({ content: [{ type: "text", text }] });
  }
  const parsed = describeInput.safeParse(rawArgs ?? {});
  if (!parsed.success) return failed(invalidArguments(name, parsed.error));
  const op = catalog.get(parsed.data.operation);
  if (!op)
    return failed(
      new RevCentError(
        "operation_not_allowed",
        `No operation named ${parsed.data.operation} is available in this session; use SearchOperations.`,
      ),
    );
  const { name: operation, description, inputSchema, annotations } = toolFor(op);
  const described = { operation, description, ...(op.usage ? { usage: op.usage } : {}), annotations, inputSchema };
  return succeeded({ content: [{ type: "text", text: JSON.stringify(described) }] });
}

async function verifyCustomer(
  deps: ToolCallDeps,
  guard: Guard,
  caller: CallerContext,
  rawArgs: Record<string, unknown> | undefined,
  signal: AbortSignal | undefined,
): Promise<CallOutcome> {
  try {
    // A card number is never a verification value, PCI scope or not.
    const card = findCardNumberArgument(rawArgs ?? {});
    if (card)
      throw new RevCentError(
        "invalid_arguments",
        `${card} contains a card number. Ask for the last 4 digits only (factor last4). ${CARD_ROUTE}`,
        { field: card },
      );
    const { customer_id, verification } = await guard.verify(caller, rawArgs, signal);
    await recordGuardDecision(deps.gate, caller, VERIFY_TOOL, "ok", { customer_id });
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
    await recordGuardDecision(deps.gate, caller, VERIFY_TOOL, err.code, rawArgs);
    return failed(err);
  }
}
