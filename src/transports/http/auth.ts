// Who is calling: a bearer token of the server's (bot backends), the caller's own RevCent key
// (x-api-key), or nobody on a loopback sandbox. Tokens are compared as hashes in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import { credentialOf } from "../../secrets/credential.js";
import { sendError } from "./replies.js";
import type { AuthorizationServer } from "../../oauth/authorization-server.js";
import { principalOfGrant } from "../../oauth/principal.js";
import type {} from "@modelcontextprotocol/express";

export type HttpAuth =
  /** Bot backends: the server holds the RevCent key; callers present one of these bearer tokens. */
  | { mode: "tokens"; tokens: string[]; apiKey: string }
  /** Each caller brings its own RevCent key as x-api-key; sessions are bound to it. */
  | { mode: "byok" }
  /** Loopback only (the sandbox): no caller authentication. */
  | { mode: "open"; apiKey: string }
  /**
   * Remote connectors: callers sign in through RevCent with OAuth; this server is their
   * authorization server, made once the listening address is known (it is the issuer on loopback).
   */
  | { mode: "oauth"; authorizationServer: (listening: URL) => AuthorizationServer };

export interface Caller {
  /** Who is calling, for session binding and rate limits (a token's, key's or grant's hash). */
  principal: string;
  /** The RevCent key their calls use ("" for an OAuth grant, whose calls use `grant`). */
  apiKey: string;
  /** An OAuth sign-in: the vault entry holding RevCent's tokens for it. */
  grant?: string;
}

/** Returns the caller, or answers 401 and returns undefined. */
export function authenticator(auth: HttpAuth): (req: Request, res: Response) => Caller | undefined {
  const tokenHashes = auth.mode === "tokens" ? auth.tokens.map(sha256) : [];
  return (req, res) => {
    if (auth.mode === "open") return { principal: "open", apiKey: auth.apiKey };
    if (auth.mode === "oauth") {
      // The SDK's bearer check ran first and set req.auth, or answered 401 with the challenge.
      const account = req.auth?.extra?.account;
      if (typeof account !== "string") {
        sendError(res, 401, -32001, "Unauthorized: sign in with OAuth.");
        return undefined;
      }
      return { principal: principalOfGrant(account), apiKey: "", grant: account };
    }
    if (auth.mode === "tokens") {
      const header = req.header("authorization") ?? "";
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
      const hash = token ? sha256(token) : undefined;
      if (!hash || !tokenHashes.some((known) => timingSafeEqual(known, hash))) {
        sendError(
          res,
          401,
          -32001,
          "Unauthorized: send Authorization: Bearer <token> with one of this server's MCP tokens.",
          {
            "www-authenticate": 'Bearer realm="revcent-mcp"',
          },
        );
        return undefined;
      }
      return { principal: `t:${hash.toString("hex").slice(0, 16)}`, apiKey: auth.apiKey };
    }
    const key = req.header("x-api-key")?.trim();
    if (!key) {
      sendError(res, 401, -32001, "Unauthorized: send your RevCent API key as the x-api-key header.");
      return undefined;
    }
    return { principal: `k:${credentialOf(key)}`, apiKey: key };
  };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
