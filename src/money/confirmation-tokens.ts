// One-time confirmation tokens for clients that cannot ask the human (no elicitation): the first
// call answers with the summary and a token, and only the same caller repeating the same call with
// that token runs it. The token is bound to who calls (session, or principal without one), the tool
// and the exact arguments, lives five minutes and is taken from the shared ledger on first use, so
// a replay, another session or a changed amount finds nothing. It checks the model, not a human:
// a model that repeats the call itself passes.
import { createHash, randomBytes } from "node:crypto";
import type { MoneyLedger } from "./ledger.js";

const CONFIRMATION_TTL_MS = 5 * 60_000;

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

/** JSON with object keys sorted at every depth: the same arguments always give the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What a confirmation is bound to: who, which tool, which arguments; a digest, so no argument is stored. */
export function callDigest(who: string, tool: string, args: Record<string, unknown>): string {
  return sha256(`${who}\u0000${tool}\u0000${canonicalJson(args)}`);
}

export class ConfirmationTokens {
  constructor(
    private readonly ledger: MoneyLedger,
    private readonly ttlMs: number = CONFIRMATION_TTL_MS,
  ) {}

  /** A new token for this call; only its hash is stored. */
  async issue(digest: string): Promise<string> {
    const token = `cf_${randomBytes(24).toString("base64url")}`;
    await this.ledger.putOnce(`confirm:${sha256(token)}`, digest, this.ttlMs);
    return token;
  }

  /** Whether the token was issued for exactly this call; used up either way, so it never works twice. */
  async redeem(token: string, digest: string): Promise<boolean> {
    const bound = await this.ledger.takeOnce(`confirm:${sha256(token)}`);
    return bound === digest;
  }

  /**
   * Marks a one-round confirmation (an elicitation's request state) as spent: true the first time,
   * false on a replay of the same answered round.
   */
  async spend(nonce: string): Promise<boolean> {
    return (await this.ledger.takeOnce(`round:${nonce}`)) !== undefined;
  }

  /** Registers a round that may be spent once, for as long as the request state lives. */
  async open(nonce: string, ttlMs: number): Promise<void> {
    await this.ledger.putOnce(`round:${nonce}`, "1", ttlMs);
  }
}
