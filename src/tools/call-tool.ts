// One tool call, start to finish: arguments checked (secrets, schema, date range), then the client
// (which enforces the policy again), then a result the model can use. Every failure a model can act
// on is an isError result naming the cause; nothing here throws for bad input.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import { RevCentError } from "../client/errors.js";
import type { RevCentClient } from "../client/revcent-client.js";
import type { ToolCatalog } from "./catalog.js";
import { isSecretName } from "./openapi.js";
import type { Operation } from "./operation.js";
import type { Validators } from "./validation.js";

export interface ToolCallDeps {
  catalog: ToolCatalog;
  client: RevCentClient;
  validators: Validators;
  logger: Logger;
}

const DAY_SECONDS = 86_400;

export async function callTool(
  deps: ToolCallDeps,
  name: string,
  rawArgs: Record<string, unknown> | undefined,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  const op = deps.catalog.get(name);
  if (!op) {
    return errorResult(new RevCentError("operation_not_allowed", `No tool named ${name} is available in this session.`));
  }
  try {
    const args = checkArguments(deps, op, rawArgs ?? {});
    const response = await deps.client.call(op, args, signal ? { signal } : {});
    return successResult(response.body);
  } catch (err) {
    if (err instanceof RevCentError) {
      deps.logger.info({ operation: op.id, code: err.code, status: err.details.status }, "tool call failed");
      return errorResult(err);
    }
    throw err;
  }
}

function checkArguments(deps: ToolCallDeps, op: Operation, raw: Record<string, unknown>): Record<string, unknown> {
  const secret = findSecretArgument(raw, op);
  if (secret) {
    throw new RevCentError(
      "invalid_arguments",
      `${secret} is a secret and cannot be passed as a tool argument. Create a secure form with CreateSecureForm, give its form_url to the human to fill in, then pass the secure_form_id instead.`,
      { field: secret },
    );
  }
  const validation = deps.validators.validate(op, raw);
  if (!validation.ok) {
    throw new RevCentError("invalid_arguments", `Invalid arguments for ${op.id}: ${validation.message}.`, validation.field ? { field: validation.field } : {});
  }
  checkDateRange(op, validation.args);
  return validation.args;
}

function checkDateRange(op: Operation, args: Record<string, unknown>): void {
  const start = args.date_start;
  const end = args.date_end;
  if (typeof start !== "number" || typeof end !== "number") return;
  if (end < start) {
    throw new RevCentError("invalid_arguments", `Invalid arguments for ${op.id}: date_end (${end}) is before date_start (${start}).`, { field: "date_end" });
  }
  if (op.maxRangeDays && end - start > op.maxRangeDays * DAY_SECONDS) {
    throw new RevCentError(
      "invalid_arguments",
      `Invalid arguments for ${op.id}: date_end - date_start spans ${((end - start) / DAY_SECONDS).toFixed(1)} days; at most ${op.maxRangeDays} days are allowed. Split the range into windows of ${op.maxRangeDays} days.`,
      { field: "date_end" },
    );
  }
}

/**
 * The path of an argument that carries a secret: a field the spec marks secret (stripped from the
 * schema), or any key named like one at any depth, wherever the model put it.
 */
function findSecretArgument(args: Record<string, unknown>, op: Operation): string | undefined {
  const secretLeaves = new Set(op.secretFields.map((path) => path.split(".").pop()!.replace(/\[\]$/, "")));
  const search = (value: unknown, at: string): string | undefined => {
    if (typeof value !== "object" || value === null) return undefined;
    for (const [key, child] of Object.entries(value)) {
      const path = Array.isArray(value) ? `${at}[${key}]` : at ? `${at}.${key}` : key;
      if (!Array.isArray(value) && (secretLeaves.has(key) || isSecretName(key))) return path;
      const nested = search(child, path);
      if (nested) return nested;
    }
    return undefined;
  };
  return search(args, "");
}

function successResult(body: unknown): CallToolResult {
  const structured = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : { result: body };
  return { content: [{ type: "text", text: JSON.stringify(structured) }], structuredContent: structured };
}

/**
 * An error the model can act on. No structuredContent: clients validate it against the tool's
 * outputSchema, which describes success only.
 */
export function errorResult(error: RevCentError): CallToolResult {
  const facts = [
    error.details.field && `field: ${error.details.field}`,
    error.details.status && `HTTP ${error.details.status}`,
    error.details.revcentCode !== undefined && `RevCent code ${error.details.revcentCode}`,
    error.details.errorCode && `error_code ${error.details.errorCode}`,
    error.details.retryAfterSeconds !== undefined && `retry after ${Math.ceil(error.details.retryAfterSeconds)} s`,
  ].filter(Boolean);
  const text = `[${error.code}] ${error.message}${facts.length ? ` (${facts.join(", ")})` : ""}`;
  return { isError: true, content: [{ type: "text", text }] };
}
