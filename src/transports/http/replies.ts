import type { Response } from "express";

/** A JSON-RPC error answer with an HTTP status, unless the answer has started already. */
export function sendError(
  res: Response,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.status(status).set(headers).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}
