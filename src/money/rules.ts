// The rules a deployment sets for calls that move money or destroy something, in one object the
// call path consults: how a human confirms, which limits apply, and the ledger both count in.
import type { Operation } from "../operations/operation.js";
import { ConfirmationTokens } from "./confirmation-tokens.js";
import type { MoneyLedger } from "./ledger.js";
import type { Limits } from "./limits.js";

/** `--confirm`: elicit asks the human through the client; token checks the model; off relies on the client. */
export const CONFIRM_MODES = ["auto", "elicit", "token", "off"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

/** How this call will be confirmed, once the client's abilities are known. */
export type ConfirmationRoute = "elicit" | "token" | "off" | "impossible";

export class MoneyRules {
  readonly tokens: ConfirmationTokens;

  constructor(
    readonly confirm: ConfirmMode,
    readonly limits: Limits,
    readonly ledger: MoneyLedger,
  ) {
    this.tokens = new ConfirmationTokens(ledger);
  }

  /** Whether a call of this operation is held for confirmation and counted against limits. */
  governs(op: Operation): boolean {
    return !op.readOnly && (op.movesMoney !== undefined || op.destructive);
  }

  /** Whether tools offer the `confirmation` argument: only where a token can be issued. */
  get offersTokens(): boolean {
    return this.confirm === "auto" || this.confirm === "token";
  }

  /**
   * How this call is confirmed. A public support chatbot's money calls (support refunds) always
   * need the visitor's own yes through the client's form: a token only checks the model, and in a
   * public chat the model is what an attacker talks to.
   */
  route(clientCanElicit: boolean, op?: Operation, profile?: string): ConfirmationRoute {
    if (profile === "support" && op?.movesMoney) return clientCanElicit ? "elicit" : "impossible";
    switch (this.confirm) {
      case "off":
        return "off";
      case "token":
        return "token";
      case "elicit":
        return clientCanElicit ? "elicit" : "impossible";
      case "auto":
        return clientCanElicit ? "elicit" : "token";
    }
  }
}
