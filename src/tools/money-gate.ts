// The rules around a call that moves money or destroys something, in the order they bite: the
// summary is read from RevCent, per-call and rolling limits are checked, a human confirms (an MCP
// elicitation, or a one-time token where the client cannot ask), the limits are counted, and the
// audit trail gets the intent before anything is sent and the outcome after. Until every rule has
// passed, nothing reaches RevCent.
import { inputRequired, type InputRequiredResult } from "@modelcontextprotocol/server";
import { randomBytes, randomUUID } from "node:crypto";
import type { AuditLine, AuditSink } from "../audit/audit-log.js";
import { RevCentError } from "../errors.js";
import type { CallerContext } from "../guard/guard.js";
import { callDigest } from "../money/confirmation-tokens.js";
import { isCountableAmount } from "../money/amounts.js";
import { allowancesFor, checkPerCall, type MoneyCall } from "../money/limits.js";
import type { ConfirmationRoute, MoneyRules } from "../money/rules.js";
import { summarize, targetsOf, type ChangeSummary, type RecordReader } from "../money/summary.js";
import type { Operation } from "../operations/operation.js";
import { REQUEST_STATE_TTL_SECONDS } from "./request-state.js";

export const CONFIRMATION_ARGUMENT = "confirmation";
/** The key of the confirmation form in an input_required result, and of its answer. */
const CONFIRM_INPUT = "confirm";

/** What the client lets the server do with the human on this call. */
export interface HumanChannel {
  /** The client declared form elicitation (on its session, or in this 2026 request's envelope). */
  canElicit: boolean;
  /** The human's answer to the form, on the round that carries one. */
  answer(): { action: "accept" | "decline" | "cancel"; confirmed: boolean } | undefined;
  /** The verified request state this round carries, if any. */
  state(): unknown;
  /** Seals a payload into request state bound to this caller and method. */
  seal(payload: ConfirmState): Promise<string>;
}

/** What a confirmation round carries: which call it is for, and a nonce spent on use. */
export interface ConfirmState {
  confirm: string;
  nonce: string;
}

/** The upstream call; the gate names its idempotency key, so the audit trail can. */
type Send = (args: Record<string, unknown>, options?: { idempotencyKey?: string }) => Promise<unknown>;

/** The key a V2 write carries (V1 has none): made here so the intent line can name it. */
function idempotencyKeyFor(op: Operation): { idempotency_key?: string } {
  return op.method === "POST" && !op.v1 ? { idempotency_key: randomUUID() } : {};
}

/** Thrown inside the guard's call to end it with an input_required result instead of a body. */
export class InputNeeded {
  constructor(readonly result: InputRequiredResult) {}
}

export interface GateContext {
  rules: MoneyRules;
  audit: AuditSink | undefined;
  profile: string;
  operations: ReadonlyMap<string, Operation>;
  read: RecordReader;
}

/**
 * Runs `send` for a governed call once every rule allows it. `args` are the cleaned arguments
 * (the guard's handle removed); the confirmation token, if any, is taken out here.
 */
export async function gatedCall(
  ctx: GateContext,
  caller: CallerContext,
  op: Operation,
  args: Record<string, unknown>,
  human: HumanChannel | undefined,
  send: Send,
): Promise<unknown> {
  const { [CONFIRMATION_ARGUMENT]: token, ...callArgs } = args;
  // An amount under a cent counts as nothing against every limit (and an API that reads 0 as "not
  // given" refunds everything), a negative one means nothing, and one past what cents can hold
  // cannot be counted at all: none is sent.
  if (op.movesMoney && callArgs.amount !== undefined && !isCountableAmount(callArgs.amount))
    throw new RevCentError(
      "invalid_arguments",
      `amount must be at least 0.01 (omit it for everything RevCent allows); ${String(callArgs.amount)} was given and nothing was sent.`,
      { field: "amount" },
    );
  const who = caller.session ? `s:${caller.session}` : `p:${caller.principal}`;
  const digest = callDigest(who, op.id, callArgs);
  const route = ctx.rules.route(human?.canElicit ?? false, op, ctx.profile);
  // Nobody to ask and no limit on this operation: the call goes as it would without the gate,
  // with no extra read (its audit lines then name the targets, not an amount).
  const limited: MoneyCall = {
    operation: op.id,
    ...(op.movesMoney ? { moneyClass: op.movesMoney } : {}),
    destructive: op.destructive,
    credential: caller.credential,
  };
  const bare = allowancesFor(ctx.rules.limits, limited);
  const unlimited = !bare.allowances.length && !bare.perCall && !bare.uncounted;
  const summary =
    route === "off" && unlimited
      ? { text: op.title, targets: targetsOf(op, callArgs) }
      : await summarize(op, callArgs, ctx.read, ctx.operations);
  const line = auditLine(ctx, caller, op.id, summary);
  const decide = async (code: string, error: RevCentError) => {
    await ctx.audit?.write({ ...line(), event: "decision", outcome: code });
    return error;
  };

  const { allowances, perCall, uncounted } = allowancesFor(ctx.rules.limits, {
    ...limited,
    ...(summary.customer ? { customer: summary.customer } : {}),
    ...(summary.amount !== undefined ? { amount: summary.amount } : {}),
  });
  const perCallCheck = checkPerCall(perCall, summary.amount);
  if (!perCallCheck.ok)
    throw await decide(
      "limit_exceeded",
      summary.amount === undefined
        ? uncountable(op, perCallCheck.limit, summary)
        : new RevCentError(
            "limit_exceeded",
            `${summary.text} That is over ${perCallCheck.limit} (${perCallCheck.max} per call); nothing was sent. A smaller amount, or a person with access to RevCent, can do it.`,
          ),
    );
  if (uncounted) throw await decide("limit_exceeded", uncountable(op, uncounted, summary));
  // Refuse now what the limits would refuse after the human said yes.
  const probe = await ctx.rules.ledger.reserve(allowances);
  if (!probe.ok) throw await decide("limit_exceeded", overLimit(summary, probe.limit, probe.remaining));
  await ctx.rules.ledger.release(probe.id, allowances);

  const confirmation = await confirm(ctx, route, op, summary, digest, token, human, decide, line);

  const reservation = await ctx.rules.ledger.reserve(allowances);
  if (!reservation.ok)
    throw await decide("limit_exceeded", overLimit(summary, reservation.limit, reservation.remaining));
  return sendRecorded(ctx.audit, { ...line(), confirmation }, op, callArgs, send, async (err) => {
    // Only a failure that certainly moved nothing gives the allowance back.
    if (err instanceof RevCentError && !err.details.outcomeUnknown && err.code !== "gateway_hold")
      await ctx.rules.ledger.release(reservation.id, allowances);
  });
}

/**
 * Sends the call between its two audit lines: the intent, durable before anything is sent, and
 * the outcome. The call's idempotency key is made here, so both lines can name the key RevCent got.
 */
async function sendRecorded(
  audit: AuditSink | undefined,
  line: Omit<AuditLine, "event">,
  op: Operation,
  args: Record<string, unknown>,
  send: Send,
  failed: (err: unknown) => Promise<void> = async () => {},
): Promise<unknown> {
  const intent = { ...line, ...idempotencyKeyFor(op) };
  await audit?.write({ ...intent, event: "intent" });
  const outcome = (code: string) =>
    audit?.write({ ...intent, time: new Date().toISOString(), event: "outcome", outcome: code });
  try {
    const body = await send(args, { idempotencyKey: intent.idempotency_key });
    await outcome("ok");
    return body;
  } catch (err) {
    await failed(err);
    await outcome(outcomeOf(err));
    throw err;
  }
}

async function confirm(
  ctx: GateContext,
  route: ConfirmationRoute,
  op: Operation,
  summary: ChangeSummary,
  digest: string,
  token: unknown,
  human: HumanChannel | undefined,
  decide: (code: string, error: RevCentError) => Promise<RevCentError>,
  line: () => Omit<AuditLine, "event">,
): Promise<AuditLine["confirmation"]> {
  if (route === "off") return "off";
  if (route === "impossible")
    throw await decide(
      "confirmation_required",
      new RevCentError(
        "confirmation_required",
        `${op.id} needs a person's confirmation, which this server asks for through the MCP client (elicitation), and this client cannot show one. Nothing was sent. Use a client that supports elicitation, or do it in RevCent.`,
      ),
    );
  if (route === "token") {
    if (typeof token === "string" && token) {
      if (await ctx.rules.tokens.redeem(token, digest)) return "token";
      throw await decide(
        "confirmation_required",
        new RevCentError(
          "confirmation_required",
          "That confirmation is unknown, used, expired, or was given for another call (other arguments, another conversation). Nothing was sent. Call again without confirmation for a new summary.",
          { field: CONFIRMATION_ARGUMENT },
        ),
      );
    }
    const issued = await ctx.rules.tokens.issue(digest);
    throw await decide(
      "confirmation_required",
      new RevCentError(
        "confirmation_required",
        `${summary.text} Nothing has been sent. Show this to the user and ask; only if they agree, repeat the same call with the same arguments and ${CONFIRMATION_ARGUMENT}: "${issued}" (once, within 5 minutes).`,
      ),
    );
  }
  // Elicitation: a round that answers our own form for this very call decides; anything else asks.
  const state = human!.state() as Partial<ConfirmState> | undefined;
  const answer = human!.answer();
  if (answer && state?.confirm === digest && typeof state.nonce === "string") {
    // A replay of an answered round (the same retry sent twice) finds its nonce spent.
    if (!(await ctx.rules.tokens.spend(state.nonce)))
      throw await decide(
        "confirmation_required",
        new RevCentError("confirmation_required", "This confirmation was already used; nothing more was sent."),
      );
    if (answer.action === "accept" && answer.confirmed) return "elicit";
    throw await decide(
      "cancelled_by_user",
      new RevCentError("cancelled_by_user", `The user did not confirm ${op.id}; nothing was sent.`),
    );
  }
  const nonce = randomBytes(16).toString("base64url");
  await ctx.rules.tokens.open(nonce, REQUEST_STATE_TTL_SECONDS * 1000);
  await ctx.audit?.write({ ...line(), event: "decision", outcome: "confirmation_asked" });
  throw new InputNeeded(
    inputRequired({
      inputRequests: {
        [CONFIRM_INPUT]: inputRequired.elicit({
          message: `Please confirm. ${summary.text}`,
          requestedSchema: {
            type: "object",
            properties: {
              confirm: {
                type: "boolean",
                title: "Go ahead",
                description: "Tick to carry this out; it cannot be undone.",
              },
            },
            required: ["confirm"],
          },
        }),
      },
      requestState: await human!.seal({ confirm: digest, nonce }),
    }),
  );
}

/**
 * The fields every line of one call shares (who, where, what, on which ids, how much); `time` is
 * taken when each line is made, and `call` joins them.
 */
function auditLine(
  ctx: GateContext,
  caller: CallerContext,
  operation: string,
  about: Pick<ChangeSummary, "targets" | "amount" | "currency">,
): () => Omit<AuditLine, "event"> {
  const call = randomBytes(9).toString("base64url");
  return () => ({
    time: new Date().toISOString(),
    principal: caller.principal,
    profile: ctx.profile,
    ...(caller.session ? { session: caller.session } : {}),
    operation,
    targets: about.targets,
    ...(about.amount !== undefined ? { amount: about.amount } : {}),
    ...(about.currency ? { currency: about.currency } : {}),
    call,
  });
}

function overLimit(summary: ChangeSummary, limit: string, remaining: number): RevCentError {
  return new RevCentError(
    "limit_exceeded",
    `${summary.text} That would go over ${limit}, which allows ${remaining.toFixed(2)} more now; nothing was sent.`,
  );
}

/** A limit applies but the call cannot be measured against it (no amount, or no customer, known before it runs). */
function uncountable(op: Operation, limit: string, summary: ChangeSummary): RevCentError {
  return new RevCentError(
    "limit_exceeded",
    `${summary.text} ${op.id} is limited by ${limit}, and what it would count cannot be known before it runs; nothing was sent. Name the amount, or do it in RevCent.`,
  );
}

/** A write no rule holds back: its intent and outcome still go to the audit trail. */
export async function recordedWrite(
  ctx: GateContext,
  caller: CallerContext,
  op: Operation,
  args: Record<string, unknown>,
  send: Send,
): Promise<unknown> {
  if (!ctx.audit) return send(args);
  return sendRecorded(ctx.audit, auditLine(ctx, caller, op.id, { targets: targetsOf(op, args) })(), op, args, send);
}

/** A guard decision (a verification, or a refusal) for the audit trail: ids only, never the value tried. */
export async function recordGuardDecision(
  ctx: GateContext,
  caller: CallerContext,
  operation: string,
  outcome: string,
  args: Record<string, unknown> | undefined,
): Promise<void> {
  if (!ctx.audit) return;
  const targets: Record<string, string> =
    typeof args?.customer_id === "string" ? { customer_id: args.customer_id } : {};
  await ctx.audit.write({ ...auditLine(ctx, caller, operation, { targets })(), event: "guard", outcome });
}

function outcomeOf(err: unknown): string {
  if (!(err instanceof RevCentError)) return "internal_error";
  return err.details.outcomeUnknown ? `${err.code}:outcome_unknown` : err.code;
}
