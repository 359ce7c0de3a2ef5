// Who an OAuth caller is, for rate limits, sessions and the audit trail: a hash of the grant's
// account, never a token. Kept apart from the authorization server so the HTTP transport can name
// callers without loading it.
import { createHash } from "node:crypto";

export function principalOfGrant(account: string): string {
  return `g:${createHash("sha256").update(account).digest("hex").slice(0, 16)}`;
}
