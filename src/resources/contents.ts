// The shapes every resource read answers with, and reading a URI template's variables.
import type { Variables } from "@modelcontextprotocol/server";
import type { ReadResourceResult } from "@modelcontextprotocol/server";

export function jsonContents(uri: URL, body: unknown): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(body) }] };
}

export function markdownContents(uri: URL, text: string): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType: "text/markdown", text }] };
}

/** One variable of a matched URI, decoded; a value that does not decode is passed as given. */
export function variableOf(variables: Variables, name: string): string {
  const raw = variables[name];
  const value = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
