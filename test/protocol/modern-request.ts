// One raw 2026-07-28 request over HTTP, with the standard headers and the _meta envelope the
// revision requires: for checking what the SDK's clients hide (cache fields, error data) and for
// holding streams the way a client of our own choosing would.
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from "@modelcontextprotocol/server";

export interface ModernReply {
  status: number;
  result?: Record<string, any>;
  error?: { code: number; message: string; data?: unknown };
}

/** Sends the request; the response is the caller's to read (a listen stream stays open). */
export function modernPost(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  capabilities: Record<string, unknown> = {},
): Promise<Response> {
  const name: Record<string, string> = typeof params.name === "string" ? { "mcp-name": params.name } : {};
  return fetch(url, {
    method: "POST",
    headers: {
      ...headers,
      ...name,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          [PROTOCOL_VERSION_META_KEY]: "2026-07-28",
          [CLIENT_INFO_META_KEY]: { name: "raw", version: "0.0.0" },
          [CLIENT_CAPABILITIES_META_KEY]: capabilities,
        },
      },
    }),
  });
}

/** Sends the request and reads its one JSON answer. */
export async function modernRequest(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  capabilities: Record<string, unknown> = {},
): Promise<ModernReply> {
  const res = await modernPost(url, method, params, headers, capabilities);
  const body = (await res.json()) as { result?: Record<string, any>; error?: ModernReply["error"] };
  return { status: res.status, ...body };
}
