// Tool input validation: zod validators built from each tool's JSON Schema on its first call and
// cached, so start-up converts nothing (design §9). Failures become messages that name the field
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
    const first = result.error.issues[0];
    const field = first?.code === "unrecognized_keys" ? first.keys[0] : first?.path.map(String).join(".");
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

function describeIssue(issue: z.core.$ZodIssue, schema: JsonSchema): string {
  if (issue.code === "unrecognized_keys") {
    const allowed = Object.keys((schema.properties ?? {}) as object);
    return `unknown argument${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; allowed: ${allowed.join(", ") || "none"}`;
  }
  const where = issue.path.length ? issue.path.map(String).join(".") : "arguments";
  return `${where}: ${issue.message}`;
}
