// What every result goes through, in every profile, before the model sees it: credential fields
// removed, card numbers shown as first 6 + last 4 at most, and invisible or reordering characters
// stripped from text, so upstream data can neither leak secrets nor hide instructions.
import { isSecretName } from "../tools/openapi.js";
import type { Operation } from "../tools/operation.js";
import { maskCardNumbers } from "./card-numbers.js";
import { stripInvisible } from "./text.js";

export class ResultHygiene {
  /** Toolsets that hold credentials: some operation has a secret field or takes a secure form. */
  private readonly credentialToolsets = new Set<string>();
  /** Names of the fields that carry credentials anywhere (a gateway's `fields`, an integration's `third_party_credentials`). */
  private readonly credentialKeys = new Set<string>();

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
      if (typeof value === "string") return maskCardNumbers(stripInvisible(value));
      if (Array.isArray(value)) return value.map(walk);
      if (typeof value !== "object" || value === null) return value;
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        if (isSecretName(key) || extra?.has(key)) continue;
        out[stripInvisible(key)] = walk(child);
      }
      return out;
    };
    return walk(body);
  }
}
