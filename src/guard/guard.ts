// Verification on search-then-get, enforced in code around every tool call:
// - searches and lists show only non-identifying fields of records whose customer the session has
//   not verified; search terms must have a visitor's shapes, and searches are budgeted;
// - reading or acting on a record needs its customer verified first; an unknown id gets the very
//   same answer, so nothing can be probed; a write that could name a customer must name one;
// - VerifyCustomer compares a value the visitor gives with the record, server-side; a value any 4
//   characters of which were searched for proves nothing; failures are limited per session and per
//   credential, and the answers speak of this session only.
import { isCollectionRead, isRecordRead } from "../operations/kind.js";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Tool } from "@modelcontextprotocol/server";
import { RevCentError } from "../errors.js";
import type { RevCentClient } from "../client/revcent-client.js";
import { DAY_SECONDS, type Operation } from "../operations/operation.js";
import { fieldOf } from "../operations/validation.js";
import { FAMILY_READS, NON_CUSTOMER_SEARCHES, READ_BY_ITEM_TYPE, nonIdentifying, ownerOf } from "./families.js";
import type { VerificationHandles } from "./handle.js";
import { normalizeFactor, type Factor } from "./normalize.js";
import { SEARCH_SHAPES, piecesOf, searchShapeOf, searchTextForms } from "./search-terms.js";
import type { Attempts, GrantKey, GuardStore, SearchRules } from "./store.js";

export const VERIFY_TOOL = "VerifyCustomer";
export const VERIFICATION_ARGUMENT = "verification";

export const GUARD_LIMITS = {
  idleMs: 15 * 60_000,
  failuresPerSession: 3,
  failuresPerCredential: 5,
  lockoutWindowMs: 30 * 60_000,
  searchesPerSession: 10,
  searchesPerCredential: 60,
  searchWindowMs: 10 * 60_000,
  /** How long what any session of a credential searched for keeps a value from verifying. */
  searchMemoryMs: 30 * 60_000,
};

/** The search budgets and memory of a conversation; without sessions only the credential's budget applies. */
export const SEARCH_RULES: SearchRules = {
  perSession: GUARD_LIMITS.searchesPerSession,
  perCredential: GUARD_LIMITS.searchesPerCredential,
  windowMs: GUARD_LIMITS.searchWindowMs,
  memoryMs: GUARD_LIMITS.searchMemoryMs,
};
const SESSIONLESS_SEARCH_RULES: SearchRules = { ...SEARCH_RULES, perSession: Number.POSITIVE_INFINITY };

/** Where calls have no session, searches share one memory per credential (stricter, never weaker). */
const SESSIONLESS_SEARCHES = "sessionless";
const METADATA_NAME_EXISTS = "METADATA_NAME_EXISTS";

/**
 * Who is asking: the credential (a hash of the RevCent API key), the principal that authenticated
 * (a bearer token's, OAuth grant's or API key's hash; several principals may share a credential),
 * and the transport's session, if any.
 */
export interface CallerContext {
  credential: string;
  principal: string;
  /** The transport's session; undefined when the transport has none (then only handles carry one). */
  session: string | undefined;
}

const REFUSAL =
  "No verified customer record matches that request. Before showing or changing a customer's records, verify the visitor: call VerifyCustomer with the customer_id from a search result and one detail the visitor tells you (zip, email, phone, or the last 4 digits of their card).";

const FACTORS = ["zip", "email", "phone", "last4"] as const;
const verifyInput = z.strictObject({
  customer_id: z.string().length(20).describe("The customer's 20-character ID, from a search result."),
  factor: z.enum(FACTORS).describe("Which detail the visitor gave."),
  value: z
    .string()
    .min(1)
    .max(200)
    .describe("The detail exactly as the visitor gave it; never a value you found in a search result."),
});

/** The VerifyCustomer tool, listed whenever the guard is on. */
export const VERIFY_TOOL_DEFINITION: Tool = {
  name: VERIFY_TOOL,
  title: "Verify A Customer",
  description:
    "Verify that the visitor is the customer before showing or changing their records. Ask the visitor for their ZIP, email, phone or card last 4 and pass it as value; the server compares it with the record. A value searched for (or any 4 characters of it) does not count: search by the full email, then verify with another detail. Returns a verification handle that guarded tools accept as `verification`.",
  inputSchema: z.toJSONSchema(verifyInput) as Tool["inputSchema"],
  annotations: {
    title: "Verify A Customer",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: true,
  },
};

export class Guard {
  /** Reads of the named families: a missing record there gets the refusal, not "not found". */
  private readonly familyReads = new Set<string>(FAMILY_READS);

  constructor(
    private readonly operations: ReadonlyMap<string, Operation>,
    private readonly client: RevCentClient,
    private readonly store: GuardStore,
    private readonly handles: VerificationHandles,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs one call under the guard; `execute` performs the upstream call with cleaned arguments. */
  async run(
    caller: CallerContext,
    op: Operation,
    args: Record<string, unknown>,
    signal: AbortSignal | undefined,
    execute: (args: Record<string, unknown>) => Promise<unknown>,
  ): Promise<unknown> {
    const { session, args: clean } = this.sessionOf(caller, args);
    const who = { credential: caller.credential, session };

    if (isCollectionRead(op)) {
      await this.admitSearch(caller, session, op, clean);
      return this.redactResults(who, await execute(clean), isCustomerPath(op.path));
    }

    const owners = await this.ownersBeforeCall(op, clean, signal);
    // A write that can name a customer's record but names none would act on nobody anyone verified.
    if (!op.readOnly && !owners.length && namesCustomerRecords(op)) throw refusal();
    for (const owner of owners) await this.requireGrant(who, owner);

    if (isRecordRead(op)) {
      // Any record that belongs to a customer needs that customer verified, whatever its kind.
      const mustHaveOwner = this.familyReads.has(op.id) || op.v1?.customerRecords === true;
      const record = await execute(clean).catch((err) => (mustHaveOwner ? refuseIfNotFound(err) : Promise.reject(err)));
      const owners = ownersOfAnswer(op, record);
      for (const owner of owners) await this.requireGrant(who, owner);
      if (!owners.length && mustHaveOwner) throw refusal();
      return record;
    }
    return execute(clean);
  }

  async verify(
    caller: CallerContext,
    rawArgs: unknown,
    signal: AbortSignal | undefined,
  ): Promise<{ customer_id: string; verification: string }> {
    const parsed = verifyInput.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = fieldOf(issue);
      throw new RevCentError(
        "invalid_arguments",
        `Invalid arguments for VerifyCustomer: ${field}: ${issue.message}. Pass customer_id, factor (zip, email, phone or last4) and value.`,
        field ? { field } : {},
      );
    }
    const { customer_id, factor, value } = parsed.data;
    // Without transport sessions, each verification starts a conversation of its own, which its
    // handle carries; the per-credential limit is then what stops guessing.
    const session = caller.session ?? `stateless:${randomUUID()}`;
    const key: GrantKey = { credential: caller.credential, session, customer: customer_id };

    const given = normalizeFactor(factor, value);
    if (!given)
      throw new RevCentError(
        "verification_failed",
        "That value is empty once normalized; ask the visitor for the detail again.",
      );
    if (isLocked(await this.store.attempts(key), this.now())) throw new RevCentError("verification_failed", LOCKED);
    if (await this.store.searchedFor(this.searchMemoryOf(caller, session), piecesOf(given), SEARCH_RULES.memoryMs)) {
      throw new RevCentError(
        "verification_failed",
        "That value, or part of it, was searched for, so it cannot prove who the visitor is. Ask for a different detail that was not searched for.",
      );
    }

    // The attempt counts before the comparison, so guesses sent in parallel cannot all get in.
    const attempts = await this.store.recordAttempt(key);
    if (
      attempts.session > GUARD_LIMITS.failuresPerSession ||
      recentFailures(attempts, this.now()) > GUARD_LIMITS.failuresPerCredential
    ) {
      await this.store.forgetAttempt(key);
      throw new RevCentError("verification_failed", LOCKED);
    }
    const onFile = await this.valuesOnFile(customer_id, factor, signal).catch(async (err: unknown) => {
      await this.store.forgetAttempt(key); // RevCent did not answer: nothing was compared
      throw err;
    });
    if (!onFile.some((stored) => normalizeFactor(factor, stored) === given))
      throw new RevCentError("verification_failed", this.mismatch(caller, attempts));
    await this.store.forgetAttempt(key);
    await this.store.grant(key, GUARD_LIMITS.idleMs);
    return { customer_id, verification: this.handles.mint(key, caller.principal) };
  }

  /**
   * A wrong value's answer, about this session only: the attempts it has left, never how many
   * other sessions failed. Without sessions there is nothing to count, so no number is given. The
   * lock, once set (here or by the credential's failures), is said, so a visitor stops trying.
   */
  private mismatch(caller: CallerContext, attempts: Attempts): string {
    if (isLocked(attempts, this.now())) return LOCKED;
    if (caller.session === undefined) return "That does not match the customer's records.";
    const left = GUARD_LIMITS.failuresPerSession - attempts.session;
    return `That does not match the customer's records. ${left} attempt${left === 1 ? "" : "s"} left.`;
  }

  /**
   * A search's terms (its search_term, and the free values of its metadata filters) must have a
   * visitor's shapes; then it counts against the search budgets and is remembered. Searches of
   * data that belongs to no customer (RevCent's documentation) are not a customer oracle.
   */
  private async admitSearch(
    caller: CallerContext,
    session: string,
    op: Operation,
    args: Record<string, unknown>,
  ): Promise<void> {
    if (NON_CUSTOMER_SEARCHES.has(op.id)) return;
    const terms = searchTermsOf(args);
    if (!terms.length) return;
    for (const { field, text } of terms) {
      if (!searchShapeOf(text)) {
        throw new RevCentError(
          "invalid_arguments",
          `Invalid arguments for ${op.id}: ${field}: search by ${SEARCH_SHAPES}, exactly as the visitor gives it; parts of an email, phone number or other detail cannot be searched.`,
          { field },
        );
      }
    }
    const rules = caller.session === undefined ? SESSIONLESS_SEARCH_RULES : SEARCH_RULES;
    const admission = await this.store.recordSearch(
      this.searchMemoryOf(caller, session),
      terms.flatMap((t) => searchTextForms(t.text)),
      rules,
    );
    if (admission.allowed) return;
    if (admission.limit === "session") {
      throw new RevCentError(
        "rate_limited",
        `This conversation has used its ${GUARD_LIMITS.searchesPerSession} searches. Ask the visitor for the customer id or a detail to verify with, or offer another way to reach support.`,
      );
    }
    const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
    throw new RevCentError(
      "rate_limited",
      `Too many customer searches on this account in the last ${GUARD_LIMITS.searchWindowMs / 60_000} minutes; try again later.`,
      { retryAfterSeconds: seconds },
    );
  }

  /** The values a factor may match for this customer; none when the customer is unknown. */
  private async valuesOnFile(customerId: string, factor: Factor, signal: AbortSignal | undefined): Promise<string[]> {
    const customer = (await this.read("GetCustomer", { customer_id: customerId }, signal)) as
      | Record<string, unknown>
      | undefined;
    if (!customer) return [];
    if (factor !== "last4") {
      const stored = customer[factor];
      return typeof stored === "string" ? [stored] : [];
    }
    return this.cardLast4s(customerId, signal);
  }

  /**
   * The last 4 digits of the customer's cards: GetCustomerCards filtered by customer, over the
   * lists' 90-day windows back one year (cards added earlier cannot verify; RevCent lists no
   * longer windows).
   */
  private async cardLast4s(customerId: string, signal: AbortSignal | undefined): Promise<string[]> {
    const windowSeconds = 90 * DAY_SECONDS;
    const end = Math.floor(this.now() / 1000);
    const values: string[] = [];
    for (let w = 0; w < 4; w++) {
      const page = (await this.read(
        "GetCustomerCards",
        {
          customer_id: customerId,
          date_end: end - w * windowSeconds,
          date_start: end - (w + 1) * windowSeconds,
          limit: 25,
          page: 1,
        },
        signal,
      )) as { results?: unknown[] } | undefined;
      for (const card of page?.results ?? []) {
        const record = card as Record<string, unknown>;
        if (record.customer_id === customerId && typeof record.last_4 === "string") values.push(record.last_4);
      }
    }
    return values;
  }

  /** Customers whose verification an operation needs before it runs (its entity, and any customer it names). */
  private async ownersBeforeCall(
    op: Operation,
    args: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<string[]> {
    const owners: string[] = [];
    if (typeof args.customer_id === "string") owners.push(args.customer_id);
    // An action on a record: read the record first (its verifyWith read), and check its customer.
    const entityRead = !op.readOnly && op.verifyWith ? this.operations.get(op.verifyWith) : undefined;
    if (entityRead && isRecordRead(entityRead) && op.parameters.some((p) => p.in === "path")) {
      const owner = await this.ownerOfRecord(entityRead.id, args, signal, this.familyReads.has(entityRead.id));
      if (owner) owners.push(owner);
    }
    // A V1 change names its record in an argument; one the read cannot find is refused (fail closed).
    const entityArgument = op.v1?.entityArgument;
    if (entityRead && entityArgument) {
      const idParam = entityRead.parameters.find((p) => p.in === "path")?.name;
      if (!idParam || typeof args[entityArgument] !== "string") throw refusal();
      const owner = await this.ownerOfRecord(entityRead.id, { [idParam]: args[entityArgument] }, signal, true);
      if (owner) owners.push(owner);
    }
    if (typeof args.item_type === "string" && typeof args.item_id === "string") {
      const read = READ_BY_ITEM_TYPE[args.item_type];
      if (!read) throw refusal();
      const readOp = this.operations.get(read);
      const idParam = readOp?.parameters.find((p) => p.in === "path")?.name;
      if (!idParam) throw refusal();
      const owner = await this.ownerOfRecord(read, { [idParam]: args.item_id }, signal, true);
      if (owner) owners.push(owner);
    }
    return owners;
  }

  /**
   * The customer a record belongs to, read through the guard's own call. A record that must have
   * one (a named family's, or an item a note is for) and has none, or does not exist, is refused.
   */
  private async ownerOfRecord(
    readId: string,
    args: Record<string, unknown>,
    signal: AbortSignal | undefined,
    mustHaveOwner: boolean,
  ): Promise<string | undefined> {
    const readOp = this.operations.get(readId);
    if (!readOp) throw refusal();
    const readArgs = Object.fromEntries(
      readOp.parameters.filter((p) => p.in === "path").map((p) => [p.name, args[p.name]]),
    );
    const owner = ownerOf(await this.read(readId, readArgs, signal), isCustomerPath(readOp.path));
    if (!owner && mustHaveOwner) throw refusal();
    return owner;
  }

  /** An internal read for the guard's own checks; a record that does not exist is undefined. */
  private async read(readId: string, args: Record<string, unknown>, signal: AbortSignal | undefined): Promise<unknown> {
    const op = this.operations.get(readId);
    if (!op) return undefined;
    try {
      return (await this.client.call(op, args, signal ? { signal } : {})).body;
    } catch (err) {
      if (err instanceof RevCentError && (err.code === "not_found" || err.code === "bad_request")) return undefined;
      throw err;
    }
  }

  private async requireGrant(who: { credential: string; session: string }, customer: string): Promise<void> {
    if (!(await this.store.isGranted({ ...who, customer }, GUARD_LIMITS.idleMs))) throw refusal();
  }

  private async redactResults(
    who: { credential: string; session: string },
    body: unknown,
    isCustomer: boolean,
  ): Promise<unknown> {
    if (typeof body !== "object" || body === null || !Array.isArray((body as Record<string, unknown>).results))
      return body;
    const page = body as Record<string, unknown> & { results: unknown[] };
    let hidden = 0;
    const results = [];
    for (const item of page.results) {
      const owner = ownerOf(item, isCustomer);
      // Items that belong to no customer (products, campaigns) are nobody's personal data.
      if (!owner && !isCustomer) results.push(item);
      else if (owner && (await this.store.isGranted({ ...who, customer: owner }, GUARD_LIMITS.idleMs)))
        results.push(item);
      else {
        hidden += 1;
        results.push(nonIdentifying(item));
      }
    }
    const out: Record<string, unknown> = { ...page, results };
    if (hidden)
      out.guard = `${hidden} ${hidden === 1 ? "result shows" : "results show"} only ids and non-identifying fields until the visitor is verified with VerifyCustomer.`;
    return out;
  }

  /**
   * The session a call belongs to, and its arguments without the verification handle. A handle
   * from another credential or another transport session is ignored, so it verifies nothing;
   * without a transport session and without a usable handle, a call is a conversation of its own
   * that no verification can match.
   */
  private sessionOf(
    caller: CallerContext,
    args: Record<string, unknown>,
  ): { session: string; args: Record<string, unknown> } {
    const { [VERIFICATION_ARGUMENT]: handle, ...clean } = args;
    const fromHandle = typeof handle === "string" ? this.handles.read(handle, caller.principal) : undefined;
    const usable =
      fromHandle &&
      fromHandle.credential === caller.credential &&
      (caller.session === undefined || fromHandle.session === caller.session);
    const session = caller.session ?? (usable ? fromHandle.session : `stateless:${randomUUID()}`);
    return { session, args: clean };
  }

  /**
   * Where search terms are remembered: the session's own memory, or, without transport sessions
   * (when a search cannot be tied to the verification that follows it), one memory per credential
   * — stricter, never weaker. Either way the credential's memory of the last 30 minutes counts too.
   */
  private searchMemoryOf(caller: CallerContext, session: string): { credential: string; session: string } {
    return { credential: caller.credential, session: caller.session === undefined ? SESSIONLESS_SEARCHES : session };
  }
}

/** Failed attempts on the customer, by any session of the credential, in the last 30 minutes. */
function recentFailures(attempts: Attempts, now: number): number {
  return attempts.times.filter((t) => now - t < GUARD_LIMITS.lockoutWindowMs).length;
}

/** The free text a collection read searches by: its search_term and metadata filter values. */
function searchTermsOf(args: Record<string, unknown>): { field: string; text: string }[] {
  const terms: { field: string; text: string }[] = [];
  if (typeof args.search_term === "string") terms.push({ field: "search_term", text: args.search_term });
  const metadata = Array.isArray(args.metadata_filter) ? args.metadata_filter : [];
  metadata.forEach((filter: unknown, i) => {
    const value = (filter as { value?: unknown } | null)?.value;
    if (typeof value === "string" && value !== METADATA_NAME_EXISTS)
      terms.push({ field: `metadata_filter[${i}].value`, text: value });
  });
  return terms;
}

/** A write whose input can name a customer's record: a customer_id, or an item_type + item_id. */
function namesCustomerRecords(op: Operation): boolean {
  const properties = (op.inputSchema.properties ?? {}) as Record<string, unknown>;
  return "customer_id" in properties || "item_id" in properties;
}

/**
 * Locked: this session used its attempts, or 5 failures within 30 minutes happened and the fifth
 * was less than 30 minutes ago (the lock lasts 30 minutes from the failure that set it).
 */
function isLocked(attempts: Attempts, now: number): boolean {
  if (attempts.session >= GUARD_LIMITS.failuresPerSession) return true;
  const times = [...attempts.times].sort((a, b) => a - b);
  const n = GUARD_LIMITS.failuresPerCredential;
  for (let i = n - 1; i < times.length; i++) {
    if (times[i]! - times[i - n + 1]! <= GUARD_LIMITS.lockoutWindowMs && now - times[i]! < GUARD_LIMITS.lockoutWindowMs)
      return true;
  }
  return false;
}

/** The customers an answer's records belong to: V1 answers carry their records under `results`. */
function ownersOfAnswer(op: Operation, answer: unknown): string[] {
  const records = op.v1 ? ((answer as { results?: unknown } | undefined)?.results ?? []) : [answer];
  const owners = (Array.isArray(records) ? records : []).map((record) => ownerOf(record, isCustomerPath(op.path)));
  return owners.filter((owner): owner is string => owner !== undefined);
}

function isCustomerPath(path: string): boolean {
  return path === "/customers" || path === "/customers/search" || path === "/customers/{customer_id}";
}

const LOCKED =
  "Too many attempts: this customer cannot be verified for now. Offer the visitor another way to reach support.";

function refusal(): RevCentError {
  return new RevCentError("verification_required", REFUSAL);
}

function refuseIfNotFound(err: unknown): never {
  if (err instanceof RevCentError && (err.code === "not_found" || err.code === "bad_request")) throw refusal();
  throw err;
}
