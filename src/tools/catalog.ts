// The tools one session can see: operations filtered by the policy, with their tools/list entries
// computed once from the spec's JSON Schema (no zod at start-up, design §9) and shared by every
// session with the same policy.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Policy } from "../client/policy.js";
import { VERIFICATION_ARGUMENT, VERIFY_TOOL_DEFINITION } from "../guard/guard.js";
import { DYNAMIC_TOOLS } from "./dynamic.js";
import { ALL_PAGES_ARGUMENT, MAX_ITEMS_ARGUMENT, pages } from "./paging.js";
import type { JsonSchema, Operation } from "./operation.js";

export class ToolCatalog {
  readonly tools: readonly Tool[];
  private readonly byName: ReadonlyMap<string, Operation>;

  readonly mode: "static" | "dynamic";

  /**
   * With the guard on, every tool accepts a verification handle and VerifyCustomer is listed. In
   * dynamic mode the listed operations are reached through SearchOperations, DescribeOperation and
   * CallOperation instead of one tool each.
   */
  constructor(operations: readonly Operation[], policy: Policy, guarded: boolean, mode: "static" | "dynamic" = "static") {
    const allowed = operations
      .filter((op) => policy.lists(op.id))
      .map((op) => (op.readOnly ? withResultFilter(op) : op))
      .map((op) => (pages(op) ? withPaging(op) : op))
      .map((op) => (guarded ? withVerificationArgument(op) : op));
    this.mode = mode;
    this.byName = new Map(allowed.map((op) => [op.id, op]));
    const verify = guarded ? [VERIFY_TOOL_DEFINITION] : [];
    this.tools = mode === "static" ? [...allowed.map(toolFor), ...verify] : [...DYNAMIC_TOOLS, ...verify];
  }

  /** An operation the session may use, by name (in either mode). */
  get(name: string): Operation | undefined {
    return this.byName.get(name);
  }

  operations(): Operation[] {
    return [...this.byName.values()];
  }
}

export const RESULT_FILTER_ARGUMENT = "fields";

/** Reads accept `fields`, the documents' filter grammar, to cut their answer down (grammar in the server instructions). */
function withResultFilter(op: Operation): Operation {
  const properties = {
    ...(op.inputSchema.properties as Record<string, JsonSchema>),
    [RESULT_FILTER_ARGUMENT]: { type: "array", items: { type: "string" }, description: "Result filter." },
  };
  return { ...op, inputSchema: { ...op.inputSchema, properties } };
}

/** Lists accept all_pages and max_items (explained in the server instructions). */
function withPaging(op: Operation): Operation {
  const properties = {
    ...(op.inputSchema.properties as Record<string, JsonSchema>),
    [ALL_PAGES_ARGUMENT]: { type: "boolean" },
    [MAX_ITEMS_ARGUMENT]: { type: "integer", minimum: 1, maximum: 1000 },
  };
  return { ...op, inputSchema: { ...op.inputSchema, properties } };
}

/** Guarded tools accept the handle VerifyCustomer returns, for transports without sessions. */
function withVerificationArgument(op: Operation): Operation {
  const properties = {
    ...(op.inputSchema.properties as Record<string, JsonSchema>),
    [VERIFICATION_ARGUMENT]: { type: "string", description: "The verification handle from VerifyCustomer, if your client has no session." },
  };
  return { ...op, inputSchema: { ...op.inputSchema, properties } };
}

export function toolFor(op: Operation): Tool {
  const tool: Tool = {
    name: op.id,
    title: op.title,
    description: op.description,
    inputSchema: op.inputSchema as Tool["inputSchema"],
    // The MCP spec gives destructive and idempotent hints meaning only for tools that write.
    annotations: op.readOnly
      ? { readOnlyHint: true, openWorldHint: true }
      : { readOnlyHint: false, destructiveHint: op.destructive, idempotentHint: op.idempotent, openWorldHint: true },
  };
  if (op.outputSchema) tool.outputSchema = op.outputSchema as Tool["outputSchema"];
  return tool;
}
