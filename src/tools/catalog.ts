// The tools one session can see: operations filtered by the policy, with their tools/list entries
// computed once from the spec's JSON Schema (no zod at start-up at start-up) and shared by every
// session with the same policy.
import type { Tool } from "@modelcontextprotocol/server";
import type { Policy } from "../operations/policy.js";
import { isPaged } from "../operations/kind.js";
import { serverInstructions } from "./instructions.js";
import { VERIFICATION_ARGUMENT, VERIFY_TOOL_DEFINITION } from "../guard/guard.js";
import { buildSearchIndex, DYNAMIC_TOOLS, type SearchIndex } from "./dynamic.js";
import { ALL_PAGES_ARGUMENT, MAX_ITEMS_ARGUMENT, MAX_ITEMS_LIMIT } from "./paging.js";
import { withoutRepeatedDescriptions } from "../operations/compact-schema.js";
import type { JsonSchema, Operation } from "../operations/operation.js";
import { CONFIRMATION_ARGUMENT } from "./money-gate.js";
import type { ConfirmMode } from "../money/rules.js";

export class ToolCatalog {
  readonly tools: readonly Tool[];
  /** The toolsets of the listed operations, sorted. */
  readonly toolsets: readonly string[];
  private readonly byName: ReadonlyMap<string, Operation>;
  private readonly listed: readonly Operation[];
  private readonly toolNames: ReadonlySet<string>;

  readonly mode: "static" | "dynamic";
  /** The server instructions: what every tool shares, said once. */
  readonly instructions: string;

  /**
   * With the guard on, every tool accepts a verification handle and VerifyCustomer is listed. In
   * dynamic mode the listed operations are reached through SearchOperations, DescribeOperation and
   * CallOperation instead of one tool each.
   */
  constructor(
    operations: readonly Operation[],
    policy: Policy,
    guarded: boolean,
    mode: "static" | "dynamic" = "static",
    confirmation: Confirmation = { takesToken: () => false, listsToken: false, mode: "off" },
  ) {
    const allowed = operations
      .filter((op) => policy.lists(op.id))
      .map((op) => withServerArguments(op, guarded, confirmation.takesToken(op), confirmation.listsToken || guarded));
    this.mode = mode;
    this.instructions = serverInstructions(operations, confirmation.mode);
    // A call may use an operation's alias; only the name itself is listed.
    this.byName = new Map(allowed.flatMap((op) => [op.id, ...(op.aliases ?? [])].map((name) => [name, op] as const)));
    this.listed = allowed;
    this.toolsets = [...new Set(allowed.map((op) => op.toolset))].sort();
    const verify = guarded ? [VERIFY_TOOL_DEFINITION] : [];
    this.tools = mode === "static" ? [...listedTools(allowed), ...verify] : [...DYNAMIC_TOOLS, ...verify];
    this.toolNames = new Set(this.tools.map((t) => t.name));
  }

  private index?: SearchIndex;

  /** SearchOperations' index of the listed operations, built on the first search. */
  searchIndex(): SearchIndex {
    this.index ??= buildSearchIndex(this.listed);
    return this.index;
  }

  /** Whether tools/list has a tool of this name (operations in static mode, VerifyCustomer, discovery tools). */
  listsTool(name: string): boolean {
    return this.toolNames.has(name);
  }

  /** An operation the session may use, by name or alias (in either mode). */
  get(name: string): Operation | undefined {
    return this.byName.get(name);
  }

  /** The operations the session may use, in spec order; shared, never to be changed. */
  operations(): readonly Operation[] {
    return this.listed;
  }
}

/** How calls held for a person's yes show in the catalog. */
export interface Confirmation {
  /** Which calls accept a one-time `confirmation` token (only when tokens may be issued at all). */
  takesToken: (op: Operation) => boolean;
  /**
   * Whether tools/list shows the argument. Where elicitation is the usual route (`auto`) it is
   * said once in the instructions, and the [confirmation_required] answer names it; a strict
   * (guarded) listing or `--confirm token` shows it.
   */
  listsToken: boolean;
  mode: ConfirmMode;
}

export const RESULT_FILTER_ARGUMENT = "fields";
export const MOVES_MONEY_META = "revcent/movesMoney";

/**
 * Arguments the server handles itself, never sent to RevCent: `fields` on reads (the documents'
 * filter grammar), `all_pages`/`max_items` on lists (both explained in the server instructions),
 * the guard's `verification` handle, and the `confirmation` token of a call held for a person's yes.
 */
function withServerArguments(op: Operation, guarded: boolean, takesToken: boolean, listsToken: boolean): Operation {
  const extra: Record<string, JsonSchema> = {};
  if (op.readOnly) extra[RESULT_FILTER_ARGUMENT] = { type: "array", items: { type: "string" } };
  if (isPaged(op)) {
    extra[ALL_PAGES_ARGUMENT] = { type: "boolean" };
    extra[MAX_ITEMS_ARGUMENT] = { type: "integer", minimum: 1, maximum: MAX_ITEMS_LIMIT };
  }
  if (guarded)
    extra[VERIFICATION_ARGUMENT] = {
      type: "string",
      description: "The verification handle from VerifyCustomer, if your client has no session.",
    };
  if (takesToken) extra[CONFIRMATION_ARGUMENT] = { type: "string" };
  if (!Object.keys(extra).length) return op;
  // tools/list leaves out max_items' bounds: the instructions give them once.
  const listed: Record<string, JsonSchema> =
    MAX_ITEMS_ARGUMENT in extra ? { ...extra, [MAX_ITEMS_ARGUMENT]: { type: "integer" } } : { ...extra };
  if (!listsToken) delete listed[CONFIRMATION_ARGUMENT];
  const withExtra = (schema: JsonSchema, add: Record<string, JsonSchema>): JsonSchema => ({
    ...schema,
    properties: { ...(schema.properties as Record<string, JsonSchema>), ...add },
  });
  const toolInputSchema = withExtra(op.toolInputSchema, listed);
  // Validation refuses unknown arguments everywhere; a guarded list also says so up front, where a
  // visitor may talk the model into adding `verified: true` (its ~16 tools make that cheap).
  if (guarded) toolInputSchema.additionalProperties = false;
  return { ...op, inputSchema: withExtra(op.inputSchema, extra), toolInputSchema };
}

/** The tools/list entries of a session: each tool as toolFor gives it, with no field explained twice. */
function listedTools(operations: readonly Operation[]): Tool[] {
  const tools = operations.map(toolFor);
  const schemas = withoutRepeatedDescriptions(tools.map((t) => t.inputSchema));
  return tools.map((tool, i) => ({ ...tool, inputSchema: schemas[i] as Tool["inputSchema"] }));
}

/**
 * One operation as a tool. No `title`: the name already reads as one (GetSale), and every
 * tools/list would pay for both.
 */
export function toolFor(op: Operation): Tool {
  const tool: Tool = {
    name: op.id,
    description: op.description,
    inputSchema: op.toolInputSchema as Tool["inputSchema"],
    // The MCP spec gives destructive and idempotent hints meaning only for tools that write, and
    // defaults readOnlyHint to false, openWorldHint to true (every tool here reaches RevCent) and
    // idempotentHint to false: only what differs from a default is said.
    annotations: op.readOnly
      ? { readOnlyHint: true }
      : { destructiveHint: op.destructive, ...(op.idempotent ? { idempotentHint: true } : {}) },
  };
  if (op.outputSchema) tool.outputSchema = op.outputSchema as Tool["outputSchema"];
  // For clients and gateways that apply their own rules to money: a mark, not a name to match.
  if (op.movesMoney) tool._meta = { [MOVES_MONEY_META]: true };
  return tool;
}
