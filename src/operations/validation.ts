// Tool input validation: zod validators built from each tool's JSON Schema on its first call and
// cached, so start-up converts nothing (docs/design-notes.md, start-up). Failures become messages that name the field
// and what is allowed, for the model to correct itself.
import { z } from "zod";
import type { JsonSchema, Operation } from "./operation.js";

export type Validation = { ok: true; args: Record<string, unknown> } | { ok: false; message: string; field?: string };

export class Validators {
  private readonly cache = new Map<string, z.ZodType>();

  validate(op: Operation, args: unknown): Validation {
    const result = this.validatorFor(op).safeParse(args ?? {});
    if (result.success) return { ok: true, args: result.data as Record<string, unknown> };
    const issues = result.error.issues.slice(0, 5).map((issue) => describeIssue(issue, op.inputSchema));
    const field = result.error.issues[0] && fieldOf(result.error.issues[0]);
    return { ok: false, message: issues.join("; "), ...(field ? { field } : {}) };
  }

  private validatorFor(op: Operation): z.ZodType {
    let validator = this.cache.get(op.id);
    if (!validator) {
      validator = z.fromJSONSchema(op.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
      this.cache.set(op.id, validator);
    }
    return validator;
  }
}

/** The argument an issue is about: an unknown key, or the path of a bad value ("" for the whole input). */
export function fieldOf(issue: z.core.$ZodIssue): string | undefined {
  return issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path.map(String).join(".");
}

function describeIssue(issue: z.core.$ZodIssue, schema: JsonSchema): string {
  if (issue.code === "unrecognized_keys") {
    const allowed = Object.keys((schema.properties ?? {}) as object);
    return `unknown argument${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; allowed: ${allowed.join(", ") || "none"}`;
  }
  const where = issue.path.length ? issue.path.map(String).join(".") : "arguments";
  return `${where}: ${issue.message}`;
}
