// How one session runs an operation, whoever asks: a tool call, a resource read or a prompt all go
// through callTool — validation, guard, policy, client, hygiene — with the same caller identity,
// and each call is reported to a client that asked for MCP logging.
import { ProtocolError, ProtocolErrorCode, type ServerContext } from "@modelcontextprotocol/server";
import type { ClientLog, OperationEvent } from "./client-log.js";
import type { CallerContext } from "../guard/guard.js";
import { callTool, type ToolCallDeps } from "./call-tool.js";
import { FULL_ITEMS } from "./answers.js";
import { RESULT_FILTER_ARGUMENT } from "./catalog.js";
import type { CallOutcome } from "./results.js";
import type { Progress } from "./paging.js";
import type { HumanChannel } from "./money-gate.js";

/** What the SDK tells a handler about the request it answers (its session, signal, notify). */
export type RequestExtra = ServerContext;

/**
 * A resource that does not exist. The SDK sends it as -32602 on every protocol revision, as the
 * 2026-07-28 specification requires (clients still accept the older -32002).
 */
export const RESOURCE_NOT_FOUND = ProtocolErrorCode.ResourceNotFound;

/** Errors a reader can act on by asking for something else, rather than retrying. */
const REFUSALS: Record<string, number> = {
  not_found: RESOURCE_NOT_FOUND,
  verification_required: RESOURCE_NOT_FOUND,
  invalid_arguments: ProtocolErrorCode.InvalidParams,
  operation_not_allowed: ProtocolErrorCode.InvalidParams,
};

export class SessionOperations {
  constructor(
    private readonly deps: ToolCallDeps & { credential: string },
    /** The guard's session when the transport has none of its own (stdio: one per server). */
    private readonly fallbackSession: string | undefined,
    /** Stateless HTTP: no session at all, verifications travel as handles. */
    private readonly sessionless: boolean,
    /** Who authenticated this server's calls (a token's or key's hash); handles are bound to it. */
    private readonly principal: string,
    private readonly clientLog: ClientLog,
  ) {}

  caller(extra: RequestExtra | undefined): CallerContext {
    return {
      credential: this.deps.credential,
      principal: this.principal,
      session: this.sessionless ? undefined : (extra?.sessionId ?? this.fallbackSession),
    };
  }

  /** One call: its tool result, and its outcome; `extra` is absent where the SDK gives none (completions). */
  async run(
    via: OperationEvent["via"],
    name: string,
    args: Record<string, unknown> | undefined,
    extra: RequestExtra | undefined,
    progress?: Progress,
    human?: HumanChannel,
  ): Promise<CallOutcome> {
    const started = performance.now();
    const called = await callTool(this.deps, this.caller(extra), name, args, extra?.mcpReq.signal, progress, human);
    // Only names the session knows are reported; anything else could be text the client made up.
    const known = this.deps.catalog.listsTool(name) || this.deps.catalog.get(name) !== undefined;
    await this.clientLog.operation(extra && ((n) => extra.mcpReq.notify(n)), {
      via,
      name: known ? name : "(unknown)",
      outcome: called.outcome,
      durationMs: performance.now() - started,
    });
    return called;
  }

  /**
   * A read for a resource or prompt: the cleaned body, or an ProtocolError carrying the very text a
   * tool call would have answered (the guard's refusal included).
   */
  async read(
    via: "resource" | "prompt",
    name: string,
    args: Record<string, unknown>,
    extra: RequestExtra | undefined,
  ): Promise<Record<string, unknown>> {
    // Resources and prompts show records whole (a table's schema, an entity); the budget still holds.
    const called = await this.run(via, name, { ...args, [RESULT_FILTER_ARGUMENT]: [FULL_ITEMS] }, extra);
    // Reads never wait for a person; a resource or prompt has no way to ask one.
    if (called.outcome === "input_required")
      throw new ProtocolError(ProtocolErrorCode.InternalError, `${name} needs a person's confirmation; call the tool.`);
    const { result, outcome } = called;
    if (outcome !== "ok") {
      const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
      throw new ProtocolError(REFUSALS[outcome] ?? ProtocolErrorCode.InternalError, text);
    }
    // The answer as data, not parsed back from the text made of it.
    return called.answer ?? {};
  }
}
