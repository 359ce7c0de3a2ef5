// The OAuth routes beside /mcp: the authorization server's endpoints and sign-in pages, the
// discovery documents (RFC 9728 protected-resource metadata naming this server as the
// authorization server, RFC 8414 metadata), and the SDK's bearer check for /mcp. Every sign-in
// route is unauthenticated by nature, so each request pays from its address's rate bucket.
import type { Express, Request, RequestHandler, Response } from "express";
import {
  getOAuthProtectedResourceMetadataUrl,
  mcpAuthMetadataRouter,
  requireBearerAuth,
} from "@modelcontextprotocol/express";
import { MCP_SCOPE, type AuthorizationServer } from "../../oauth/authorization-server.js";
import { isLoopback } from "./origin.js";

const SIGN_IN_PATHS = ["/authorize", "/token", "/register", "/revoke", "/interaction", "/oauth"];

/** Mounts the routes; returns the bearer check /mcp runs before anything else. */
export function mountOAuth(
  app: Express,
  server: AuthorizationServer,
  takeAddressToken: (req: Request, res: Response) => boolean,
  /** Registration makes a stored client: an address may make only a few an hour. */
  takeRegistrationToken: (req: Request, res: Response) => boolean,
): RequestHandler {
  app.use(SIGN_IN_PATHS, (req, res, next) => {
    if (takeAddressToken(req, res)) next();
  });
  app.post("/register", (req, res, next) => {
    if (takeRegistrationToken(req, res)) next();
  });
  server.mount(app);
  const resource = new URL(server.resource);
  // Clients that look for the metadata at the root (the resource's path left off) get the same one.
  app.get("/.well-known/oauth-protected-resource", (req, _res, next) => {
    req.url = `/.well-known/oauth-protected-resource${resource.pathname}`;
    next();
  });
  app.use(
    mcpAuthMetadataRouter({
      oauthMetadata: server.metadata(),
      resourceServerUrl: resource,
      scopesSupported: [MCP_SCOPE],
      resourceName: "RevCent (revcent-mcp)",
      // Plain http only for a loopback issuer (the sandbox, tests); anything public is https.
      dangerouslyAllowInsecureIssuerUrl: isLoopback(resource.hostname.replace(/^\[|\]$/g, "")),
    }),
  );
  return requireBearerAuth({
    verifier: server,
    expectedResource: resource,
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(resource),
  });
}
