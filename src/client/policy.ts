// Which operations a session may use. The same Policy filters tools/list and is enforced again
// inside RevCentClient, so a denied operation never reaches the network, whoever asks (design §1).
import { ConfigError, type Config } from "../config.js";
import type { Operation } from "../tools/operation.js";

/** The curated daily set an operator gets without flags (≤ 128 tools; design §8). */
export const DEFAULT_TOOLSETS = [
  "customers", "customer-cards", "sales", "transactions", "refunds", "product-sales", "subscriptions",
  "subscription-renewals", "trials", "shipping", "products", "chargebacks", "documents", "fraud", "notes",
  "metadata", "analytics", "tax", "discounts", "coupons", "campaigns", "secure-forms", "salvage-transactions",
  "paypal-transactions",
] as const;

export type PolicyConfig = Pick<Config, "profile" | "toolsets" | "tools" | "denyTools" | "readOnly">;

export class Policy {
  private readonly allowed: ReadonlySet<string>;
  /** Toolsets the session sees, for listing and error messages. */
  readonly toolsets: readonly string[];

  private constructor(allowed: Set<string>, toolsets: string[]) {
    this.allowed = allowed;
    this.toolsets = toolsets;
  }

  static fromConfig(config: PolicyConfig, operations: readonly Operation[]): Policy {
    const known = new Set(operations.map((o) => o.toolset));
    const ids = new Set(operations.map((o) => o.id));
    for (const name of [...config.tools, ...config.denyTools]) {
      if (!ids.has(name)) throw new ConfigError(`--tools/--deny-tools: no operation named "${name}".`);
    }
    // Naming tools without naming toolsets means "exactly these tools", wherever they live.
    const requested = config.toolsets ?? (config.tools.length ? ["all"] : ["default"]);
    const toolsets = new Set<string>();
    for (const name of requested) {
      if (name === "all") known.forEach((t) => toolsets.add(t));
      else if (name === "default") {
        // Another document (--openapi) may tag differently; then the curated set means nothing
        // and every toolset is the honest default.
        const curated = DEFAULT_TOOLSETS.filter((t) => known.has(t));
        (curated.length ? curated : [...known]).forEach((t) => toolsets.add(t));
      }
      else if (known.has(name)) toolsets.add(name);
      else {
        throw new ConfigError(
          `--toolsets: no toolset named "${name}"; use all, default, or some of: ${[...known].sort().join(", ")}.`,
        );
      }
    }
    const onlyReads = config.readOnly || config.profile === "readonly";
    const only = new Set(config.tools);
    const deny = new Set(config.denyTools);
    const allowed = new Set(
      operations
        .filter((o) => toolsets.has(o.toolset))
        .filter((o) => only.size === 0 || only.has(o.id))
        .filter((o) => !deny.has(o.id))
        .filter((o) => !onlyReads || o.readOnly)
        .map((o) => o.id),
    );
    return new Policy(allowed, [...toolsets]);
  }

  allows(operationId: string): boolean {
    return this.allowed.has(operationId);
  }

  get size(): number {
    return this.allowed.size;
  }
}
