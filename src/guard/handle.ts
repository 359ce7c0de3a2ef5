// Verification handles: minted by VerifyCustomer, accepted by guarded tools as `verification`, so
// a verification can travel with calls where the transport has no session. A handle names its
// credential, session, customer, the principal that obtained it (the bearer token, OAuth grant or
// API key, as a hash) and when it was issued, and is signed. It proves nothing on its own — the
// store must still hold a live verification for the same three — and it is refused when another
// principal presents it, or once its absolute lifetime has passed, however often it was used.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { GrantKey } from "./store.js";

/** A handle lapses this long after it was issued, whatever its use. */
export const HANDLE_LIFETIME_MS = 60 * 60_000;

export interface HandleClaims {
  key: GrantKey;
  principal: string;
  issuedAt: number;
}

export class VerificationHandles {
  constructor(
    private readonly secret: Buffer = randomBytes(32),
    private readonly now: () => number = Date.now,
  ) {}

  mint(key: GrantKey, principal: string): string {
    const claims = {
      c: key.credential,
      s: key.session,
      u: key.customer,
      p: principal,
      t: this.now(),
      n: randomBytes(6).toString("base64url"),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  /** The key a handle was minted for, if it is ours, presented by its principal, and not lapsed. */
  read(handle: string, principal: string): GrantKey | undefined {
    const claims = this.claims(handle);
    if (!claims || claims.principal !== principal) return undefined;
    const age = this.now() - claims.issuedAt;
    return age >= 0 && age < HANDLE_LIFETIME_MS ? claims.key : undefined;
  }

  /** What a handle says, if its signature is ours; undefined for anything forged or malformed. */
  claims(handle: string): HandleClaims | undefined {
    const [payload, signature, extra] = handle.split(".");
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const { c, s, u, p, t } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
        string,
        unknown
      >;
      const valid =
        typeof c === "string" &&
        typeof s === "string" &&
        typeof u === "string" &&
        typeof p === "string" &&
        typeof t === "number";
      return valid ? { key: { credential: c, session: s, customer: u }, principal: p, issuedAt: t } : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest("base64url");
  }
}
