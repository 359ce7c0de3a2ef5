// What a call gives back: a success with its answer (as JSON text, and as data), or an error the
// model can act on, with the call's outcome (ok, or the error code) as data for logs and audit.
import type { CallToolResult, InputRequiredResult } from "@modelcontextprotocol/server";
import { RevCentError, type ErrorCode } from "../errors.js";
import { applyFieldFilters, type FieldFilter } from "../operations/field-filter.js";
import type { Operation } from "../operations/operation.js";
import { maskCardNumbers } from "../secrets/card-numbers.js";

/**
 * A call's result for the client, and its outcome as data (for logs and resource errors): "ok", an
 * error code, or "input_required" when the server waits for the human (the result then asks).
 */
export type CallOutcome =
  /** `answer`: an operation's answer as data, for the server's own readers (resources, prompts). */
  | { result: CallToolResult; outcome: "ok" | ErrorCode; answer?: Record<string, unknown> }
  | { result: InputRequiredResult; outcome: "input_required" };

/**
 * The answer through the `fields` filters. Filters that keep nothing of a non-empty answer are a
 * mistake the model can correct (typically `id` on a list, whose items are under `results`), so
 * they get an error naming the fields there are, not a silent `{}`.
 */
export function filtered(op: Operation, doc: Record<string, unknown>, filters: FieldFilter[]): Record<string, unknown> {
  const kept = applyFieldFilters(doc, filters);
  if (Object.keys(kept).length || !Object.keys(doc).length) return kept;
  const list = Array.isArray(doc.results)
    ? "; a list's items are under results, so name their fields as results.<field> (e.g. results.id)"
    : "";
  throw new RevCentError(
    "invalid_arguments",
    `fields kept nothing of the ${op.id} answer: its top-level fields are ${Object.keys(doc).join(", ")}${list}.`,
    { field: "fields" },
  );
}

/** An answer as an object, which structuredContent must be: anything else goes under `result`. */
export function structuredOf(body: unknown): Record<string, unknown> {
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : { result: body };
}

/**
 * The answer as the client gets it. One copy: the JSON text, which every client shows the model;
 * `structuredContent` too only where the tool declares an outputSchema, which obliges it (a second
 * copy of every answer would double what travels, and what some clients put in context).
 */
export function answered(answer: Record<string, unknown>, structured: boolean): CallOutcome {
  const content: CallToolResult["content"] = [{ type: "text", text: JSON.stringify(answer) }];
  return { result: structured ? { content, structuredContent: answer } : { content }, outcome: "ok", answer };
}

/**
 * An error the model can act on. No structuredContent: clients validate it against the tool's
 * outputSchema, which describes success only.
 */
function errorResult(error: RevCentError): CallToolResult {
  const facts = [
    error.details.field && `field: ${error.details.field}`,
    error.details.status && `HTTP ${error.details.status}`,
    error.details.revcentCode !== undefined && `RevCent code ${error.details.revcentCode}`,
    error.details.errorCode && `error_code ${error.details.errorCode}`,
    error.details.retryAfterSeconds !== undefined && `retry after ${Math.ceil(error.details.retryAfterSeconds)} s`,
  ].filter(Boolean);
  // Upstream words (a RevCent message, a gateway reason) may quote what a customer typed.
  const text = maskCardNumbers(`[${error.code}] ${error.message}${facts.length ? ` (${facts.join(", ")})` : ""}`);
  return { isError: true, content: [{ type: "text", text }] };
}

export const succeeded = (result: CallToolResult): CallOutcome => ({ result, outcome: "ok" });

export function failed(error: RevCentError): CallOutcome {
  return { result: errorResult(error), outcome: error.code };
}
