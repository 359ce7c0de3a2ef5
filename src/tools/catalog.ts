// The tools one session can see: operations filtered by the policy, with their tools/list entries
// computed once from the spec's JSON Schema (no zod at start-up, design §9) and shared by every
// session with the same policy.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Policy } from "../client/policy.js";
import type { Operation } from "./operation.js";

export class ToolCatalog {
  readonly tools: readonly Tool[];
  private readonly byName: ReadonlyMap<string, Operation>;

  constructor(operations: readonly Operation[], policy: Policy) {
    const allowed = operations.filter((op) => policy.allows(op.id));
    this.byName = new Map(allowed.map((op) => [op.id, op]));
    this.tools = allowed.map(toolFor);
  }

  get(name: string): Operation | undefined {
    return this.byName.get(name);
  }
}

export function toolFor(op: Operation): Tool {
  const tool: Tool = {
    name: op.id,
    title: op.title,
    description: op.description,
    inputSchema: op.inputSchema as Tool["inputSchema"],
    annotations: {
      title: op.title,
      readOnlyHint: op.readOnly,
      destructiveHint: op.destructive,
      idempotentHint: op.idempotent,
      openWorldHint: true,
    },
  };
  if (op.outputSchema) tool.outputSchema = op.outputSchema as Tool["outputSchema"];
  return tool;
}
