import { createHash } from "node:crypto";

/** A RevCent API key's stable, non-reversible name, for guard state, session binding and logs. */
export function credentialOf(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex").slice(0, 16);
}
