// What every result goes through, in every profile, before the model sees it: credential fields
// removed, card numbers shown as first 6 + last 4 at most, and invisible or reordering characters
// stripped from text, so upstream data can neither leak secrets nor hide instructions.
import { isSecretName } from "../tools/openapi.js";
import type { Operation } from "../tools/operation.js";
import { maskCardNumbers } from "./card-numbers.js";
import { stripInvisible } from "./text.js";

export class ResultHygiene {
  /** Per toolset, the names of fields its operations mark secret (e.g. a gateway's `fields`). */
  private readonly secretKeysByToolset = new Map<string, Set<string>>();

  constructor(operations: Iterable<Operation>) {
    for (const op of operations) {
      for (const path of op.secretFields) {
        const leaf = path.split(".").pop()!.replace(/\[\]$/, "");
        const keys = this.secretKeysByToolset.get(op.toolset) ?? new Set<string>();
        keys.add(leaf);
        this.secretKeysByToolset.set(op.toolset, keys);
      }
    }
  }

  clean(op: Operation, body: unknown): unknown {
    const extra = this.secretKeysByToolset.get(op.toolset);
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
