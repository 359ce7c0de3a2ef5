// Which operations a session may use. The same Policy filters tools/list and is enforced again
// inside RevCentClient, so a denied operation never reaches the network, whoever asks.
import { ConfigError } from "../errors.js";
import type { Operation } from "./operation.js";

/** The curated daily set an operator gets without flags (≤ 128 tools). */
export const DEFAULT_TOOLSETS = [
  "customers",
  "sales",
  "transactions",
  "refunds",
  "subscriptions",
  "trials",
  "shipping",
  "products",
  "chargebacks",
  "fraud",
  "notes",
  "metadata",
  "documents",
  "analytics",
  // Where the guard sends every secret (a card, a gateway login): its route must be callable.
  "secure-forms",
] as const;

/** What a public support chatbot may offer a visitor; VerifyCustomer is added by the guard. */
export const SUPPORT_OPERATIONS = [
  "SearchCustomers",
  "GetCustomer",
  "SearchSales",
  "GetSale",
  "SearchTransactions",
  "GetTransaction",
  "SearchSubscriptions",
  "GetSubscription",
  "SearchTrials",
  "GetTrial",
  "SearchShipping",
  "GetShipment",
  "CancelSubscription",
  "CancelTrial",
  "CreateNote",
] as const;
/** What `--support-refunds` adds to the support profile: refunds of a verified visitor's own records, within limits. */
const SUPPORT_REFUNDS = ["RefundTransaction", "RefundProductSale"] as const;
/** Reads the guard itself makes to find a record's customer; callable, never offered to the model. */
const GUARD_READS = ["GetCustomerCards", "GetProductSale", "GetSubscriptionRenewal"] as const;

type Profile = "operator" | "readonly" | "support";

/** What decides a session's operations; the configuration's fields of the same names. */
export interface PolicyConfig {
  profile: Profile;
  /** Toolset names as given (`default` and `all` are expanded here); null when not set. */
  toolsets: string[] | null;
  tools: string[];
  denyTools: string[];
  readOnly: boolean;
  /** Verification on search-then-get; always on in the support profile. */
  guard: boolean;
  /** The support profile may refund a verified visitor's own records (SUPPORT_REFUNDS). */
  supportRefunds?: boolean;
}

export class Policy {
  /** Operations offered to the model. */
  private readonly listed: ReadonlySet<string>;
  /** Operations that may reach RevCent: the listed ones and the guard's own reads. */
  private readonly callable: ReadonlySet<string>;
  /** Toolsets the session sees, for listing and error messages. */
  readonly toolsets: readonly string[];

  private constructor(listed: Set<string>, callable: Set<string>, toolsets: string[]) {
    this.listed = listed;
    this.callable = callable;
    this.toolsets = toolsets;
  }

  static fromConfig(config: PolicyConfig, operations: readonly Operation[]): Policy {
    const known = new Set(operations.map((o) => o.toolset));
    // Legacy V1 operations are opt-in: only a toolset or tool named explicitly brings them in.
    const v2Toolsets = new Set(operations.filter((o) => !o.v1).map((o) => o.toolset));
    // Operations are named by id or alias; the policy speaks ids only.
    const idOf = new Map(operations.flatMap((o) => [o.id, ...(o.aliases ?? [])].map((name) => [name, o.id] as const)));
    for (const name of [...config.tools, ...config.denyTools]) {
      if (!idOf.has(name)) throw new ConfigError(`--tools/--deny-tools: no operation named "${name}".`);
    }
    // Naming tools without naming toolsets means "exactly these tools", wherever they live.
    const requested = config.toolsets ?? (config.tools.length ? [...known] : ["default"]);
    const toolsets = new Set<string>();
    for (const name of requested) {
      if (name === "all") v2Toolsets.forEach((t) => toolsets.add(t));
      else if (name === "default") {
        // Another document (--openapi) may tag differently; then the curated set means nothing
        // and every toolset is the honest default.
        const curated = DEFAULT_TOOLSETS.filter((t) => known.has(t));
        (curated.length ? curated : [...v2Toolsets]).forEach((t) => toolsets.add(t));
      } else if (known.has(name)) toolsets.add(name);
      else {
        throw new ConfigError(
          `--toolsets: no toolset named "${name}"; use all, default, or some of: ${[...known].sort().join(", ")}.`,
        );
      }
    }
    const onlyReads = config.readOnly || config.profile === "readonly";
    const only = new Set(config.tools.map((name) => idOf.get(name)!));
    const deny = new Set(config.denyTools.map((name) => idOf.get(name)!));
    const support =
      config.profile === "support"
        ? new Set<string>([...SUPPORT_OPERATIONS, ...(config.supportRefunds ? SUPPORT_REFUNDS : [])])
        : undefined;
    const listed = new Set(
      operations
        .filter((o) =>
          support
            ? support.has(o.id) && (config.toolsets === null || toolsets.has(o.toolset))
            : toolsets.has(o.toolset),
        )
        .filter((o) => only.size === 0 || only.has(o.id))
        .filter((o) => !deny.has(o.id))
        .filter((o) => !onlyReads || o.readOnly)
        .map((o) => o.id),
    );
    const callable = new Set(listed);
    // The guard reads records itself (whose customer, which values verify), whatever is listed.
    if (support || config.guard) {
      for (const id of ["GetCustomer", ...GUARD_READS]) callable.add(id);
      for (const op of operations) if (listed.has(op.id) && op.verifyWith) callable.add(op.verifyWith);
    }
    // A call held for confirmation is summarised from its record, read by the server itself.
    for (const op of operations)
      if (listed.has(op.id) && !op.readOnly && (op.movesMoney || op.destructive)) {
        if (op.verifyWith) callable.add(op.verifyWith);
        if (op.estimateWith) callable.add(op.estimateWith);
      }
    return new Policy(listed, callable, [...toolsets]);
  }

  /** Whether the operation may reach RevCent in this session (the client's wall). */
  allows(operationId: string): boolean {
    return this.callable.has(operationId);
  }

  /** Whether the operation is offered to the model as a tool. */
  lists(operationId: string): boolean {
    return this.listed.has(operationId);
  }

  get size(): number {
    return this.listed.size;
  }
}
