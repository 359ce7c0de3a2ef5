// What a prompt may rely on in this session: which tools exist (so a flow names only tools the
// session offers, literally), and how they are reached (directly, or through CallOperation).
import type { GetPromptResult } from "@modelcontextprotocol/server";
import { VERIFY_TOOL } from "../guard/guard.js";
import type { ToolCatalog } from "../tools/catalog.js";
import { CALL_OPERATION, DESCRIBE_OPERATION } from "../tools/dynamic.js";

export class PromptContext {
  constructor(private readonly catalog: ToolCatalog) {}

  /** Whether the session offers this tool: a listed operation, or VerifyCustomer with the guard on. */
  has(tool: string): boolean {
    if (tool === VERIFY_TOOL) return this.catalog.tools.some((t) => t.name === VERIFY_TOOL);
    return this.catalog.get(tool) !== undefined;
  }

  offersAll(tools: readonly string[]): boolean {
    return tools.every((t) => this.has(t));
  }

  /** `text` when the session offers every named tool, else nothing: a step never names a missing tool. */
  step(tools: readonly string[], text: string): string[] {
    return this.offersAll(tools) ? [text] : [];
  }

  /** How to reach the operations a prompt names, in dynamic mode. */
  get howToCall(): string[] {
    return this.catalog.mode === "dynamic"
      ? [
          `In this session the operations named here are run through ${CALL_OPERATION} {operation, arguments}; ${DESCRIBE_OPERATION} shows an operation's arguments.`,
        ]
      : [];
  }
}

export function userText(text: string): GetPromptResult["messages"][number] {
  return { role: "user", content: { type: "text", text } };
}

/** Numbered steps, renumbered after optional ones were left out. */
export function numbered(steps: string[]): string {
  return steps.map((s, i) => `${i + 1}. ${s}`).join("\n");
}
