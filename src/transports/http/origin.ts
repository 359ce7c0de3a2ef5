// Where a request may come from: Host names the server answers to, and browser Origins. A page from
// another origin must not drive a local server (DNS rebinding).
import type { NextFunction, Request, Response } from "express";
import { sendError } from "./replies.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

export function originValidation(allowedOrigins: string[], allowedHosts: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.header("origin");
    if (!origin) return next();
    let hostname: string;
    try {
      hostname = new URL(origin).hostname;
    } catch {
      return sendError(res, 403, -32000, "Invalid Origin header.");
    }
    const host = hostname.includes(":") ? `[${hostname}]` : hostname;
    if (allowedOrigins.includes(origin) || allowedHosts.includes(host)) return next();
    sendError(res, 403, -32000, `Origin ${origin} is not allowed.`);
  };
}
