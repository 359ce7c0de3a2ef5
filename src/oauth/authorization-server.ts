// The server as an OAuth 2.1 authorization server for MCP clients, on oidc-provider (certified,
// maintained) rather than our own code: dynamic registration, authorization code with PKCE S256
// only, exact redirect URIs, the `resource` parameter checked against this server's /mcp, short
// opaque access tokens, refresh tokens rotated on every use (a reused one revokes its grant),
// revocation. What it adds is the sign-in: a page naming the client that asks, then RevCent's own
// consent; RevCent's tokens go into the vault, and the MCP grant's account is the vault entry.
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import type { Express, Request, Response } from "express";
import express from "express";
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { OAuthError, OAuthErrorCode, type AuthInfo, type OAuthMetadata } from "@modelcontextprotocol/server";
import type { Logger } from "pino";
import type { AdapterFactory } from "./provider-store.js";
import { memoryAdapter } from "./memory-provider-store.js";
import { isLoopbackHost, withClientMetadataDocuments } from "./client-metadata-documents.js";
import type { RevCentOAuth } from "./revcent-oauth.js";
import { GRANT_TTL_SECONDS, type TokenVault, type VaultStore } from "./token-vault.js";
import { PAGE_HEADERS, consentPage, errorPage } from "./pages.js";

export const MCP_SCOPE = "mcp";
const SIGN_IN_TTL_SECONDS = 600;
/** What a grant may hold: this server's scope, and the two OpenID Connect ones oidc-provider always knows. */
const GRANTABLE_SCOPES = new Set([MCP_SCOPE, "openid", "offline_access"]);
const REVCENT_CALLBACK = "/oauth/revcent/callback";
/** oidc-provider's endpoints, named once: its configuration, our routes to it and the metadata use them. */
const ROUTES = {
  authorization: "/authorize",
  token: "/token",
  registration: "/register",
  revocation: "/revoke",
  jwks: "/jwks",
} as const;
const SIGN_IN_COOKIE = "revcent_mcp_signin";

const stateDigest = (state: string) => createHash("sha256").update(state).digest("base64url");

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

export interface AuthorizationServerOptions {
  /** Where clients reach this server (MCP_PUBLIC_URL): the issuer, and `<it>/mcp` the resource. */
  publicUrl: URL;
  revcent: RevCentOAuth;
  vault: TokenVault;
  /** Short-lived sign-in state (which interaction a RevCent callback belongs to), taken once. */
  pending: VaultStore;
  /** oidc-provider's storage: memory for one process, Redis for several. */
  adapter?: AdapterFactory;
  /** Keys that sign the sign-in cookies; the same on every instance. */
  cookieKeys: string[];
  accessTokenTtlSeconds?: number;
  trustProxy?: boolean;
  logger: Logger;
}

export class AuthorizationServer {
  readonly issuer: string;
  /** This server's MCP endpoint: the only resource tokens are issued for. */
  readonly resource: string;
  private readonly provider: Provider;

  constructor(private readonly options: AuthorizationServerOptions) {
    this.issuer = options.publicUrl.origin;
    this.resource = new URL("/mcp", options.publicUrl).href;
    this.provider = new Provider(this.issuer, this.configuration());
    // Behind a TLS-terminating proxy (--trust-proxy), its X-Forwarded-Proto says the request was https.
    this.provider.proxy = options.trustProxy ?? false;
    // Many MCP clients ask for no scope at all; what they can mean is this server's one scope.
    this.provider.use(async (ctx, next) => {
      if (ctx.path === ROUTES.authorization && ctx.method === "GET" && !ctx.query.scope)
        ctx.query = { ...ctx.query, scope: MCP_SCOPE };
      await next();
    });
    this.provider.on("server_error", (_ctx: unknown, err: Error) =>
      options.logger.error({ err: { name: err.name, message: err.message } }, "authorization server error"),
    );
  }

  /** RFC 8414 metadata, for the SDK's metadata router and for clients probing this origin. */
  metadata(): OAuthMetadata {
    const at = (path: string) => `${this.issuer}${path}`;
    return {
      issuer: this.issuer,
      authorization_endpoint: at(ROUTES.authorization),
      token_endpoint: at(ROUTES.token),
      registration_endpoint: at(ROUTES.registration),
      revocation_endpoint: at(ROUTES.revocation),
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
      revocation_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
      scopes_supported: [MCP_SCOPE],
      client_id_metadata_document_supported: true,
    } as OAuthMetadata;
  }

  /** Registers the authorization server's routes (before /mcp and its bearer check). */
  mount(app: Express): void {
    const callback = this.provider.callback();
    const toProvider = (req: Request, res: Response) => void callback(req, res);
    // The authorization and registration endpoints have a resume and a management path under them.
    for (const path of [...Object.values(ROUTES), `${ROUTES.authorization}/:uid`, `${ROUTES.registration}/:id`])
      app.all(path, toProvider);
    const form = express.urlencoded({ extended: false, limit: "4kb" });
    app.get("/interaction/:uid", (req, res) => void this.interaction(req, res).catch((e) => this.fail(res, e)));
    app.post("/interaction/:uid", form, (req, res) => void this.decide(req, res).catch((e) => this.fail(res, e)));
    app.get("/interaction/:uid/finish", (req, res) => void this.finish(req, res).catch((e) => this.fail(res, e)));
    app.get(REVCENT_CALLBACK, (req, res) => void this.revcentCallback(req, res).catch((e) => this.fail(res, e)));
  }

  /**
   * For the SDK's bearer check, on every request: a token of ours, for this resource, whose grant
   * still stands (as oidc-provider's own resource endpoints check) and still has RevCent's tokens
   * behind it. A grant whose RevCent sign-in ended (refresh refused, record unreadable or gone) is
   * revoked here, refresh tokens with it, so the client is told to sign in again.
   */
  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const invalid = () => new OAuthError(OAuthErrorCode.InvalidToken, "The access token is not valid.");
    const found = await this.provider.AccessToken.find(token);
    if (!found || found.isExpired || !found.grantId || !found.accountId) throw invalid();
    const grant = await this.provider.Grant.find(found.grantId, { ignoreExpiration: true });
    if (!grant || grant.isExpired || grant.clientId !== found.clientId || grant.accountId !== found.accountId)
      throw invalid();
    if (!(await this.options.vault.holds(found.accountId))) {
      await this.endGrant(found.grantId);
      throw invalid();
    }
    const audience = Array.isArray(found.aud) ? found.aud : [found.aud];
    return {
      token,
      clientId: found.clientId ?? "",
      scopes: (found.scope ?? "").split(" ").filter(Boolean),
      expiresAt: found.exp,
      ...(typeof audience[0] === "string" ? { resource: new URL(audience[0]) } : {}),
      extra: { account: found.accountId, grant: found.grantId },
    };
  }

  private configuration(): Configuration {
    const resource = this.resource;
    const accessTokenTTL = this.options.accessTokenTtlSeconds ?? 3600;
    return {
      // A client id that is an https URL is its own metadata document, fetched when first used.
      adapter: withClientMetadataDocuments(this.options.adapter ?? memoryAdapter(), {
        // A loopback issuer (the sandbox, tests) may fetch them over plain http from loopback.
        allowLoopback: isLoopbackHost(this.options.publicUrl.hostname),
      }),
      clients: [],
      clientDefaults: {
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
        id_token_signed_response_alg: "ES256",
      },
      cookies: { keys: this.options.cookieKeys },
      // Opaque tokens need no signature; oidc-provider still wants a key (for ID tokens, which a
      // client asking for `openid` would get), so each process makes its own.
      jwks: { keys: [signingKey()] },
      features: {
        devInteractions: { enabled: false },
        registration: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => resource,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string) => {
            if (indicator !== resource) throw new errors.InvalidTarget(`tokens are issued only for ${resource}`);
            return { scope: MCP_SCOPE, audience: resource, accessTokenTTL, accessTokenFormat: "opaque" };
          },
        },
      },
      pkce: { required: () => true },
      scopes: [MCP_SCOPE],
      responseTypes: ["code"],
      issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
      rotateRefreshToken: true,
      expiresWithSession: async () => false,
      ttl: {
        AccessToken: accessTokenTTL,
        AuthorizationCode: 60,
        RefreshToken: GRANT_TTL_SECONDS,
        Grant: GRANT_TTL_SECONDS,
        Interaction: SIGN_IN_TTL_SECONDS,
        Session: SIGN_IN_TTL_SECONDS,
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      routes: ROUTES,
      findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
      renderError: async (ctx, out) => {
        ctx.type = "html";
        ctx.body = errorPage(out.error_description ?? out.error ?? "The request could not be completed.");
      },
    };
  }

  /**
   * A sign-in's page: who asks, for what. Always shown, and always followed by RevCent's consent:
   * a browser that signed in minutes ago must not hand its account to the next client an
   * attacker's page sends it to (the session's account is never granted without both consents).
   */
  private async interaction(req: Request, res: Response): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    const { params } = details;
    const client = await this.provider.Client.find(String(params.client_id));
    const redirect = new URL(String(params.redirect_uri));
    res
      .set(PAGE_HEADERS)
      .type("html")
      .send(consentPage(client?.clientName ?? String(params.client_id), redirect.host, details.uid));
  }

  /** The person's answer on our page: to RevCent's consent, or back to the client with access_denied. */
  private async decide(req: Request, res: Response): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    if (req.body?.decision !== "approve") {
      await this.provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "The person declined." },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const state = randomBytes(24).toString("base64url");
    const { url, verifier } = await this.options.revcent.authorization(this.callbackUrl(), state);
    await this.options.pending.set(
      `signin:${state}`,
      JSON.stringify({ uid: details.uid, verifier }),
      SIGN_IN_TTL_SECONDS,
    );
    // The browser that went to RevCent must be the one that comes back: a state carried to another
    // browser (a link an attacker sends) would save someone's RevCent tokens for nobody's sign-in.
    res.cookie(SIGN_IN_COOKIE, stateDigest(state), {
      httpOnly: true,
      sameSite: "lax",
      secure: this.issuer.startsWith("https:"),
      path: REVCENT_CALLBACK,
      maxAge: SIGN_IN_TTL_SECONDS * 1000,
    });
    res.redirect(303, url);
  }

  /** RevCent sends the person back here; its tokens go to the vault, the sign-in resumes. */
  private async revcentCallback(req: Request, res: Response): Promise<void> {
    const url = new URL(req.originalUrl, this.issuer);
    const state = url.searchParams.get("state") ?? "";
    if (cookieOf(req, SIGN_IN_COOKIE) !== stateDigest(state))
      return sendErrorPage(
        res,
        "This sign-in was started in another browser. Start again from your MCP client, in this one.",
      );
    res.clearCookie(SIGN_IN_COOKIE, { path: REVCENT_CALLBACK });
    const stored = await this.options.pending.take(`signin:${state}`);
    if (!stored)
      return sendErrorPage(res, "This sign-in has expired or was already used. Start again from your MCP client.");
    const { uid, verifier } = JSON.parse(stored) as { uid: string; verifier: string };
    const finish = randomBytes(24).toString("base64url");
    let outcome: { uid: string; account?: string; error?: string };
    try {
      const tokens = await this.options.revcent.exchange(url, state, this.callbackUrl(), verifier);
      const account = `rg_${randomBytes(18).toString("base64url")}`;
      await this.options.vault.save(account, tokens);
      outcome = { uid, account };
    } catch {
      outcome = { uid, error: "RevCent did not grant access." };
    }
    await this.options.pending.set(`finish:${finish}`, JSON.stringify(outcome), SIGN_IN_TTL_SECONDS);
    // The sign-in's cookie is scoped to its interaction's path: finish there.
    res.redirect(303, `/interaction/${encodeURIComponent(uid)}/finish?result=${finish}`);
  }

  private async finish(req: Request, res: Response): Promise<void> {
    // The interaction is the one whose cookie this browser holds; a result finishes only the
    // interaction it was made for (one taken elsewhere is spent, and refused).
    const details = await this.provider.interactionDetails(req, res);
    const stored = await this.options.pending.take(`finish:${String(req.query.result ?? "")}`);
    const found = stored ? (JSON.parse(stored) as { uid?: string; account?: string; error?: string }) : undefined;
    const outcome = found && found.uid === details.uid ? found : { error: "This sign-in has expired." };
    if (!outcome.account) {
      await this.provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: outcome.error ?? "RevCent did not grant access." },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    await this.grant(req, res, outcome.account);
  }

  /** Signs the account in and grants the client exactly what it asked of this resource. */
  private async grant(req: Request, res: Response, account: string): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id);
    // An earlier grant of this client is extended only if it is this account's.
    const earlier = details.grantId ? await this.provider.Grant.find(details.grantId) : undefined;
    const grant =
      earlier && earlier.accountId === account && earlier.clientId === clientId
        ? earlier
        : new this.provider.Grant({ accountId: account, clientId });
    grant.addResourceScope(this.resource, MCP_SCOPE);
    // Everything asked for, at once: a second consent prompt would be a second interaction.
    const asked = String(details.params.scope ?? "").split(" ");
    const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
    const scopes = [...new Set([...asked, ...missing])].filter((s) => GRANTABLE_SCOPES.has(s));
    if (scopes.length) grant.addOIDCScope(scopes.join(" "));
    const grantId = await grant.save();
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId: account }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  /** Everything issued under a grant, and the grant itself. */
  private async endGrant(grantId: string): Promise<void> {
    await Promise.all([
      this.provider.AccessToken.revokeByGrantId(grantId),
      this.provider.RefreshToken.revokeByGrantId(grantId),
      this.provider.AuthorizationCode.revokeByGrantId(grantId),
    ]);
    await (await this.provider.Grant.find(grantId, { ignoreExpiration: true }))?.destroy();
  }

  private callbackUrl(): string {
    return `${this.issuer}${REVCENT_CALLBACK}`;
  }

  private fail(res: Response, err: unknown): void {
    const name = (err as Error)?.name ?? "Error";
    this.options.logger.info({ err: { name } }, "sign-in step failed");
    if (!res.headersSent) sendErrorPage(res, "This sign-in cannot continue. Start again from your MCP client.");
  }
}

function signingKey() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), use: "sig", alg: "ES256" };
}

/** A sign-in that cannot go on: a 400 page under the same headers as every page of ours. */
function sendErrorPage(res: Response, message: string): void {
  res.status(400).set(PAGE_HEADERS).type("html").send(errorPage(message));
}
