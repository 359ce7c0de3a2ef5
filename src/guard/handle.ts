// Verification handles: minted by VerifyCustomer, accepted by guarded tools as `verification`, so
// a verification can travel with calls where the transport has no session. A handle names its
// credential, session and customer and is signed; it proves nothing on its own — the store must
// still hold a live verification for the same three.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { GrantKey } from "./store.js";

export class VerificationHandles {
  constructor(private readonly secret: Buffer = randomBytes(32)) {}

  mint(key: GrantKey): string {
    const payload = Buffer.from(JSON.stringify({ c: key.credential, s: key.session, u: key.customer, n: randomBytes(6).toString("base64url") })).toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  /** The key a handle was minted for, or undefined if it is not one of ours. */
  read(handle: string): GrantKey | undefined {
    const [payload, signature] = handle.split(".");
    if (!payload || !signature) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const { c, s, u } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
      return typeof c === "string" && typeof s === "string" && typeof u === "string" ? { credential: c, session: s, customer: u } : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest("base64url");
  }
}
