// What every result goes through, in every profile, before the model sees it: credential fields
// removed, card numbers shown as first 6 + last 4 at most, and invisible or reordering characters
// stripped from text, so upstream data can neither leak secrets nor hide instructions.
import { isSecretName } from "../secrets/field-names.js";
import type { Operation } from "../operations/operation.js";
import { maskCardNumbers } from "../secrets/card-numbers.js";
import { stripHidden } from "../secrets/hidden-text.js";

// A cheap test that lets most strings skip the hidden-text pass: hidden characters are never ASCII.
const NON_ASCII = /[^\x00-\x7f]/;

function cleanText(text: string): string {
  return maskCardNumbers(NON_ASCII.test(text) ? stripHidden(text) : text);
}

export class ResultHygiene {
  /** Toolsets that hold credentials: some operation has a secret field or takes a secure form. */
  private readonly credentialToolsets = new Set<string>();
  /** Names of the fields that carry credentials anywhere (a gateway's `fields`, an integration's `third_party_credentials`). */
  private readonly credentialKeys = new Set<string>();
  /** Result keys repeat endlessly; whether one names a secret is decided once (bounded). */
  private readonly secretKey = new Map<string, boolean>();

  constructor(operations: Iterable<Operation>) {
    for (const op of operations) {
      const takesSecureForm = "secure_form_id" in ((op.inputSchema.properties ?? {}) as object);
      if (op.secretFields.length || takesSecureForm) this.credentialToolsets.add(op.toolset);
      for (const path of op.secretFields) this.credentialKeys.add(path.split(".").pop()!.replace(/\[\]$/, ""));
    }
  }

  clean(op: Operation, body: unknown): unknown {
    // RevCent may return credentials under the same names in every toolset that holds them.
    const extra = this.credentialToolsets.has(op.toolset) ? this.credentialKeys : undefined;
    const walk = (value: unknown): unknown => {
      if (typeof value === "string") return cleanText(value);
      if (Array.isArray(value)) return value.map(walk);
      if (typeof value !== "object" || value === null) return value;
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        if (this.isSecretKey(key) || extra?.has(key)) continue;
        out[NON_ASCII.test(key) ? stripHidden(key) : key] = walk(child);
      }
      return out;
    };
    return walk(body);
  }

  private isSecretKey(key: string): boolean {
    let secret = this.secretKey.get(key);
    if (secret === undefined) {
      secret = isSecretName(key);
      if (this.secretKey.size < 10_000) this.secretKey.set(key, secret);
    }
    return secret;
  }
}
